"""The endpoints exercises use, through a real server process, as both httpbin versions
answer them (the lab's wrapper makes 0.7.0 and 0.10 agree)."""

import base64
import hashlib
import random
import time
import uuid

import pytest
import requests

from services.httpbin.blob import MAX_BLOB_BYTES, blob

from .conftest import start_httpbin


def get(httpbin, path, **kwargs):
    return requests.get(httpbin.url + path, timeout=30, **kwargs)


def test_get_echoes_args_and_headers(httpbin):
    r = get(httpbin, "/get", params={"a": "1", "b": "x y"}, headers={"X-Lab": "yes"})
    body = r.json()
    assert r.status_code == 200 and body["args"] == {"a": "1", "b": "x y"}
    assert body["headers"]["X-Lab"] == "yes"
    assert body["url"] == f"{httpbin.url}/get?a=1&b=x+y"


@pytest.mark.parametrize("delay", ["0.3", "0.25"])
def test_fractional_delay(httpbin, delay):
    start = time.perf_counter()
    r = get(httpbin, f"/delay/{delay}")
    assert r.status_code == 200 and r.json()["url"].endswith(f"/delay/{delay}")
    assert time.perf_counter() - start >= float(delay) * 0.95


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_delay_takes_every_method(httpbin, method):
    r = requests.request(
        method,
        httpbin.url + "/delay/0.1",
        data=b"x=1",
        timeout=10,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and r.json()["form"] == {"x": "1"}


@pytest.mark.parametrize("bad", ["abc", "-1", "nan"])
def test_bad_delay_is_a_400(httpbin, bad):
    assert get(httpbin, f"/delay/{bad}").status_code == 400


@pytest.mark.parametrize("code", [200, 204, 418, 503])
def test_status(httpbin, code):
    assert get(httpbin, f"/status/{code}").status_code == code


def httpbin_bytes(n, seed):
    """httpbin's documented generator: one random.randint(0, 255) per byte after seed()."""
    rng = random.Random(seed)
    return bytes(rng.randint(0, 255) for _ in range(n))


def test_seeded_bytes_are_httpbins_sequence(httpbin):
    a = get(httpbin, "/bytes/1000", params={"seed": 7})
    assert a.headers["Content-Type"] == "application/octet-stream"
    assert a.content == httpbin_bytes(1000, 7)
    assert get(httpbin, "/bytes/1000", params={"seed": 7}).content == a.content
    assert get(httpbin, "/bytes/1000", params={"seed": 8}).content != a.content


def test_unseeded_bytes_differ(httpbin):
    a, b = get(httpbin, "/bytes/64").content, get(httpbin, "/bytes/64").content
    assert len(a) == len(b) == 64 and a != b


def test_bytes_are_capped_at_100_kib_like_httpbin(httpbin):
    assert len(get(httpbin, "/bytes/200000", params={"seed": 1}).content) == 100 * 1024


def test_stream_bytes_match_bytes_for_the_same_seed(httpbin):
    r = get(httpbin, "/stream-bytes/20000", params={"seed": 5, "chunk_size": 3000}, stream=True)
    chunks = list(r.iter_content(chunk_size=None))
    assert b"".join(chunks) == get(httpbin, "/bytes/20000", params={"seed": 5}).content
    assert r.headers.get("Transfer-Encoding") == "chunked"


def test_drip(httpbin):
    start = time.perf_counter()
    r = get(httpbin, "/drip", params={"numbytes": 5, "duration": 0.3, "delay": 0})
    assert r.status_code == 200 and r.content == b"*****"
    assert time.perf_counter() - start >= 0.2  # 4 pauses of 0.06 s between 5 bytes


def test_uuid(httpbin):
    a, b = (uuid.UUID(get(httpbin, "/uuid").json()["uuid"]) for _ in range(2))
    assert a.version == 4 and a != b


def test_anything_echoes_method_and_json(httpbin):
    r = requests.post(httpbin.url + "/anything/some/path", json={"k": [1, 2]}, timeout=10)
    body = r.json()
    assert body["method"] == "POST" and body["json"] == {"k": [1, 2]}
    assert body["url"].endswith("/anything/some/path")


def test_ip_is_the_clients(httpbin):
    assert get(httpbin, "/ip").json() == {"origin": "127.0.0.1"}


def test_headers(httpbin):
    assert get(httpbin, "/headers", headers={"X-Seen": "1"}).json()["headers"]["X-Seen"] == "1"


def test_base64(httpbin):
    value = base64.urlsafe_b64encode("xin chào".encode()).decode()
    assert get(httpbin, f"/base64/{value}").text == "xin chào"
    bad = get(httpbin, "/base64/_w==")  # decodes to a byte that is not UTF-8
    assert bad.status_code == 200 and bad.text.startswith("Incorrect Base64 data")


def test_lab_blob_is_verifiable(httpbin):
    r = get(httpbin, "/lab/blob/300000", params={"seed": 11})
    assert r.status_code == 200 and len(r.content) == 300000
    assert r.content == blob(300000, 11)
    assert r.content == hashlib.shake_256(b"gevent-lab blob 11").digest(300000)  # as documented
    assert r.headers["X-Content-SHA256"] == hashlib.sha256(r.content).hexdigest()
    assert r.headers["Content-Length"] == "300000"
    assert get(httpbin, "/lab/blob/1000", params={"seed": 11}).content == r.content[:1000]
    assert get(httpbin, "/lab/blob/1000", params={"seed": 12}).content != r.content[:1000]
    assert get(httpbin, "/lab/blob/1000").content == blob(1000, 0)


def test_lab_blob_rejects_bad_input(httpbin):
    assert get(httpbin, f"/lab/blob/{MAX_BLOB_BYTES + 1}").status_code == 400
    assert get(httpbin, "/lab/blob/10", params={"seed": "x"}).status_code == 400
    assert get(httpbin, "/lab/blob/-1").status_code == 404  # not a size at all


def test_log_is_quiet_by_default(httpbin):
    get(httpbin, "/get")
    log = httpbin.log_text()
    assert "flasgger" not in log and "GET /get" not in log and "Traceback" not in log


def test_access_log_flag(tmp_path):
    service = start_httpbin(tmp_path, "--access-log")
    try:
        requests.get(service.url + "/status/201", timeout=10)
        time.sleep(0.2)
        assert "GET /status/201" in service.log_text()
    finally:
        assert service.stop() == 0
    assert "httpbin stopped" in service.log_text()


def test_taken_port_is_a_clear_error(httpbin):
    import subprocess

    from lab.config import REPO_ROOT

    from .conftest import SERVICE_PYTHON

    proc = subprocess.run(
        [SERVICE_PYTHON, "-m", "services.httpbin", "--port", str(httpbin.port)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert f"cannot listen on 127.0.0.1:{httpbin.port}" in proc.stderr
    assert "Traceback" not in proc.stderr
