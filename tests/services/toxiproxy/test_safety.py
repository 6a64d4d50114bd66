"""Safe defaults: loopback-only proxies beside a loopback API, no loops, bounded requests."""

from __future__ import annotations

import http.client
import socket

import pytest
import requests

from lab.net import free_port
from services.toxiproxy.launch import start
from tests.services.toxiproxy.test_toxics import round_trip
from tests.services.toxiproxy.upstreams import connect, echo_server

REMOTE = ["0.0.0.0:0", "[::]:0", "0.0.0.0:{port}", "[::]:{port}"]


def _create(api: str, **spec) -> requests.Response:
    return requests.post(api + "/proxies", json=spec, timeout=5)


@pytest.fixture(scope="module")
def remote_api():
    """A server started with -allow-remote-listen (its API still on 127.0.0.1)."""
    with start("-allow-remote-listen") as server:
        yield server.url


@pytest.mark.parametrize("listen", REMOTE)
def test_listen_beyond_loopback_is_refused_on_a_loopback_api(api, listen):
    listen = listen.format(port=free_port())
    response = _create(api, name="wide", listen=listen, upstream="127.0.0.1:9")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error", "status"} and body["status"] == 403
    assert "not a loopback address" in body["error"] and "-allow-remote-listen" in body["error"]
    assert requests.get(api + "/proxies", timeout=5).json() == {}


def test_populate_and_update_are_refused_too_before_anything_changes(api):
    ok = {"name": "ok", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:9"}
    wide = {"name": "wide", "listen": "0.0.0.0:0", "upstream": "127.0.0.1:9"}
    response = requests.post(api + "/populate", json=[ok, wide], timeout=5)
    assert response.status_code == 403
    assert response.json()["proxies"] is None and "at proxy 2" in response.json()["error"]
    assert requests.get(api + "/proxies", timeout=5).json() == {}

    created = _create(api, **ok).json()
    moved = requests.post(api + "/proxies/ok", json={"listen": "0.0.0.0:0"}, timeout=5)
    assert moved.status_code == 403
    assert requests.get(api + "/proxies/ok", timeout=5).json() == created


@pytest.mark.parametrize("listen", ["", ":0", "localhost:0", "127.0.0.1:0", "[::1]:0"])
def test_loopback_and_empty_hosts_are_accepted_on_a_loopback_api(api, listen):
    response = _create(api, name="local", listen=listen, upstream="127.0.0.1:9")
    assert response.status_code == 201, response.text
    host = response.json()["listen"].rpartition(":")[0]
    assert host in ("127.0.0.1", "[::1]")  # an empty host binds loopback here


def test_the_flag_lifts_the_rule(remote_api):
    response = _create(remote_api, name="wide", listen="0.0.0.0:0", upstream="127.0.0.1:9")
    assert response.status_code == 201, response.text
    requests.delete(remote_api + "/proxies/wide", timeout=5)


def test_a_non_loopback_api_allows_remote_listens_by_default():
    # The API binds 0.0.0.0 (as in the Docker image); the test talks to it on 127.0.0.1.
    with start(host="0.0.0.0") as server:
        url = f"http://127.0.0.1:{server.port}"
        response = _create(url, name="wide", listen="0.0.0.0:0", upstream="127.0.0.1:9")
        assert response.status_code == 201, response.text


def test_upstream_pointing_at_its_own_listen_or_at_the_api_is_refused(api, server):
    port = free_port()
    for listen, upstream in [
        (f"127.0.0.1:{port}", f"127.0.0.1:{port}"),
        (f"127.0.0.1:{port}", f"localhost:{port}"),
        ("127.0.0.1:0", f"127.0.0.1:{server.port}"),
        ("127.0.0.1:0", f"localhost:{server.port}"),
    ]:
        response = _create(api, name="loop", listen=listen, upstream=upstream)
        assert response.status_code == 400, (listen, upstream, response.text)
        assert "own" in response.json()["error"]
    for enabled in (True, False):
        spec = {"listen": f"127.0.0.1:{port}", "upstream": f"127.0.0.1:{port}"}
        response = _create(api, name="loop", enabled=enabled, **spec)
        assert response.status_code == 400
    assert requests.get(api + "/proxies", timeout=5).json() == {}


def test_names_are_bounded_and_slash_free_but_ordinary_names_work(api):
    with echo_server() as up:
        for name in ["a" * 257, "with/slash"]:
            response = _create(api, name=name, listen="127.0.0.1:0", upstream=up.address)
            assert response.status_code == 400, name
            populate = requests.post(
                api + "/populate", json=[{"name": name, "upstream": up.address}], timeout=5
            )
            assert populate.status_code == 400 and "at proxy 1" in populate.json()["error"]
        for name in ["a" * 256, "Svc_1-a.b", "x"]:
            response = _create(api, name=name, listen="127.0.0.1:0", upstream=up.address)
            assert response.status_code == 201, name
            with connect(response.json()["listen"]) as sock:
                round_trip(sock)
            toxics = f"{api}/proxies/{name}/toxics"
            for bad in ["t" * 257, "a/b"]:
                bad_toxic = requests.post(toxics, json={"type": "noop", "name": bad}, timeout=5)
                assert bad_toxic.status_code == 400
            good = requests.post(toxics, json={"type": "noop", "name": "t" * 256}, timeout=5)
            assert good.status_code == 200
            assert requests.delete(f"{toxics}/{'t' * 256}", timeout=5).status_code == 204
            assert requests.delete(f"{api}/proxies/{name}", timeout=5).status_code == 204


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _raw(server, request: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        return data


def test_large_bodies_are_refused_with_413_and_the_connection_closes(api, server):
    big = b'{"name":"big","upstream":"127.0.0.1:9","pad":"' + b"x" * (1 << 20) + b'"}'
    response = requests.post(api + "/proxies", data=big, timeout=10)
    assert response.status_code == 413
    assert response.json() == {
        "error": "request body too large: more than 1048576 bytes",
        "status": 413,
    }
    # A Content-Length past the limit: refused before reading, the connection closed.
    head = b"POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"
    answer = _raw(server, head)
    assert answer.startswith(b"HTTP/1.1 413") and b"Connection: close" in answer

    # Chunked: 1 GiB offered, refused once 1 MiB has arrived (the rest is never read).
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)

    def body():
        for _ in range(16384):  # 16384 x 64 KiB = 1 GiB, if the server read it all
            yield b"x" * 65536

    rss_before = _rss_kib(server.pid)
    try:
        conn.request("POST", "/populate", body=body(), encode_chunked=True)
        status = conn.getresponse().status
    except OSError:  # the server closed while we still sent: the kernel may reset first
        status = 413
    finally:
        conn.close()
    assert status == 413
    assert _rss_kib(server.pid) - rss_before < 32 * 1024  # never buffered the gigabyte
    assert requests.get(api + "/proxies", timeout=5).json() == {}
    just_under = b'{"name":"small","upstream":"127.0.0.1:9","pad":"' + b"x" * 1000 + b'"}'
    assert requests.post(api + "/proxies", data=just_under, timeout=5).status_code == 201
