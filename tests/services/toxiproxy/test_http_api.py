"""Status codes, bodies and headers of the HTTP API, as a Toxiproxy 2.12 server sends them."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from lab.net import free_port, port_open


def post(api, path, body=None, data=None):
    return requests.post(api + path, json=body, data=data, timeout=5)


def error_of(response) -> dict:
    assert response.text.endswith("\n")
    assert response.headers["X-Toxiproxy-Request-Id"]
    return json.loads(response.text)


def make(api, name="p", upstream="127.0.0.1:9", **extra):
    response = post(
        api, "/proxies", {"name": name, "upstream": upstream, "listen": "127.0.0.1:0", **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_version_and_empty_index(api):
    response = requests.get(api + "/version", timeout=5)
    assert response.status_code == 200
    assert response.text == '{"version": "2.12.0"}\n'
    assert response.headers["X-Toxiproxy-Request-Id"]
    index = requests.get(api + "/proxies", timeout=5)
    assert (index.status_code, index.text) == (200, "{}")
    assert index.headers["Content-Type"] == "application/json"


def test_create_shapes_and_listen_rules(api):
    response = post(
        api,
        "/proxies",
        {"name": "p", "upstream": "example:1", "listen": "localhost:0", "unknown": [1]},
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["name", "listen", "upstream", "enabled", "toxics"]
    assert body["listen"].startswith("127.0.0.1:") and not body["listen"].endswith(":0")
    assert body["upstream"] == "example:1" and body["enabled"] is True and body["toxics"] == []
    assert not response.text.endswith("\n")
    off = post(
        api,
        "/proxies",
        {"name": "off", "upstream": "x:1", "listen": "localhost:0", "enabled": False},
    ).json()
    assert off["listen"] == "localhost:0" and off["enabled"] is False


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"upstream": "x:1"}, 400, "missing required field: name"),
        ({}, 400, "missing required field: name"),
        ({"name": "n"}, 400, "missing required field: upstream"),
        ({"name": 5, "upstream": "x:1"}, 400, "bad request body: "),
        ({"name": "n", "upstream": "x:1", "enabled": "yes"}, 400, "bad request body: "),
        ([1, 2], 400, "bad request body: "),
    ],
)
def test_create_errors(api, body, status, message):
    response = post(api, "/proxies", body)
    assert response.status_code == status
    error = error_of(response)
    assert error["status"] == status and error["error"].startswith(message)


@pytest.mark.parametrize("raw", [b"", b"{", b"nope", b'{"name": NaN}'])
def test_create_malformed_json(api, raw):
    response = post(api, "/proxies", data=raw)
    assert response.status_code == 400
    assert error_of(response)["error"].startswith("bad request body: ")


def test_duplicate_and_bind_error(api):
    make(api)
    response = post(api, "/proxies", {"name": "p", "upstream": "x:1"})
    assert response.status_code == 409
    assert error_of(response) == {"error": "proxy already exists", "status": 409}
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        response = post(
            api, "/proxies", {"name": "b", "upstream": "x:1", "listen": f"127.0.0.1:{taken}"}
        )
        assert response.status_code == 500
        assert "address already in use" in error_of(response)["error"]
    assert "b" not in requests.get(api + "/proxies", timeout=5).json()


def test_show_update_delete(api):
    created = make(api)
    port = int(created["listen"].rpartition(":")[2])
    assert requests.get(api + "/proxies/p", timeout=5).json() == created
    missing = requests.get(api + "/proxies/none", timeout=5)
    assert missing.status_code == 404 and error_of(missing)["error"] == "proxy not found"
    off = post(api, "/proxies/p", {"enabled": False})
    assert off.status_code == 200
    assert off.json()["enabled"] is False and off.json()["listen"] == created["listen"]
    assert not port_open("127.0.0.1", port)
    on = requests.patch(api + "/proxies/p", json={"enabled": True}, timeout=5)
    assert on.json()["enabled"] is True and port_open("127.0.0.1", port)
    moved = post(api, "/proxies/p", {"upstream": "127.0.0.1:10"}).json()
    assert moved["upstream"] == "127.0.0.1:10" and moved["listen"] == created["listen"]
    bad = post(api, "/proxies/p", {"enabled": 1})
    assert bad.status_code == 400
    assert requests.delete(api + "/proxies/p", timeout=5).status_code == 204
    again = requests.delete(api + "/proxies/p", timeout=5)
    assert again.status_code == 404 and again.text.endswith("\n")


def test_routing_errors(api):
    for path in ("/nothing", "/proxies/", "/proxies/p/toxics/t/x", "/metrics/x"):
        response = requests.get(api + path, timeout=5)
        assert (response.status_code, response.text) == (404, "404 page not found\n")
    for method, path in (
        ("GET", "/reset"),
        ("PUT", "/proxies"),
        ("DELETE", "/version"),
        ("GET", "/populate"),
        ("PUT", "/proxies/p/toxics"),
    ):
        response = requests.request(method, api + path, timeout=5)
        assert (response.status_code, response.text) == (405, ""), (method, path)
    browser = requests.get(api + "/proxies", headers={"User-Agent": "Mozilla/5.0 (X11)"}, timeout=5)
    assert (browser.status_code, browser.text) == (403, "User agent not allowed\n")


def test_reset_re_enables_and_clears_toxics(api):
    make(api)
    post(api, "/proxies/p/toxics", {"type": "latency", "attributes": {"latency": 10}})
    post(api, "/proxies/p", {"enabled": False})
    response = post(api, "/reset")
    assert (response.status_code, response.text) == (204, "")
    proxy = requests.get(api + "/proxies/p", timeout=5).json()
    assert proxy["enabled"] is True and proxy["toxics"] == []


def test_populate_semantics(api):
    spec = [
        {"name": "a", "upstream": "127.0.0.1:9", "listen": f"127.0.0.1:{free_port()}"},
        {"name": "b", "upstream": "127.0.0.1:9", "listen": f"127.0.0.1:{free_port()}"},
    ]
    first = post(api, "/populate", spec)
    assert first.status_code == 201
    assert [p["name"] for p in first.json()["proxies"]] == ["a", "b"]
    post(api, "/proxies/a/toxics", {"type": "noop"})
    again = post(api, "/populate", spec)  # unchanged: toxics stay
    assert again.status_code == 201
    assert [t["name"] for t in requests.get(api + "/proxies/a/toxics", timeout=5).json()] == [
        "noop_downstream"
    ]
    changed = [dict(spec[0], upstream="127.0.0.1:10")]
    post(api, "/populate", changed)  # replaced: toxics gone, b kept
    proxies = requests.get(api + "/proxies", timeout=5).json()
    assert proxies["a"]["toxics"] == [] and proxies["a"]["upstream"] == "127.0.0.1:10"
    assert "b" in proxies
    empty = post(api, "/populate", [])
    assert (empty.status_code, empty.json()) == (201, {"proxies": None})
    invalid = post(api, "/populate", [{"name": "c", "upstream": "x:1"}, {"upstream": "x:1"}])
    assert invalid.status_code == 400
    assert invalid.json() == {
        "error": "missing required field: name at proxy 2",
        "status": 400,
        "proxies": None,
    }
    assert "c" not in requests.get(api + "/proxies", timeout=5).json()
    assert post(api, "/populate", data=b"{").status_code == 400


def test_populate_bind_error_reports_proxies_made_before(api):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        response = post(
            api,
            "/populate",
            [
                {"name": "ok", "upstream": "x:1", "listen": "127.0.0.1:0"},
                {"name": "bad", "upstream": "x:1", "listen": f"127.0.0.1:{taken}"},
                {"name": "never", "upstream": "x:1", "listen": "127.0.0.1:0"},
            ],
        )
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == 500 and [p["name"] for p in body["proxies"]] == ["ok"]
    assert set(requests.get(api + "/proxies", timeout=5).json()) == {"ok"}


def test_toxic_create_defaults_and_errors(api):
    make(api)
    url = "/proxies/p/toxics"
    created = post(api, url, {"type": "latency", "stream": "UpStream"})
    assert created.status_code == 200
    assert created.json() == {
        "attributes": {"latency": 0, "jitter": 0},
        "name": "latency_UpStream",
        "type": "latency",
        "stream": "UpStream",
        "toxicity": 1,
    }
    defaults = {
        "slow_close": {"delay": 0},
        "reset_peer": {"timeout": 0},
        "slicer": {"average_size": 0, "size_variation": 0, "delay": 0},
        "bandwidth": {"rate": 0},
        "timeout": {"timeout": 0},
        "limit_data": {"bytes": 0},
        "noop": {},
    }
    for kind, attributes in defaults.items():
        assert post(api, url, {"type": kind}).json()["attributes"] == attributes
    cases = [
        ({"type": "nope"}, 400, "invalid toxic type"),
        ({}, 400, "invalid toxic type"),
        (
            {"type": "latency", "stream": "sideways"},
            400,
            "stream was invalid, can be either upstream or downstream",
        ),
        (
            {"type": "latency", "stream": ""},
            400,
            "stream was invalid, can be either upstream or downstream",
        ),
        ({"type": "bandwidth", "name": "latency_UpStream"}, 409, "toxic already exists"),
        (
            {"type": "latency", "name": "x", "attributes": {"latency": "1"}},
            400,
            "bad request body: ",
        ),
        ({"type": "latency", "name": "x", "toxicity": "high"}, 400, "bad request body: "),
        # JSON first, then stream, then type, then duplicates, then attributes:
        ({"type": "nope", "stream": "bad"}, 400, "stream was invalid"),
        ({"type": "nope", "name": "latency_UpStream"}, 400, "invalid toxic type"),
        (
            {"type": "latency", "name": "latency_UpStream", "attributes": {"latency": "x"}},
            409,
            "toxic already exists",
        ),
    ]
    for body, status, message in cases:
        response = post(api, url, body)
        assert response.status_code == status, body
        assert error_of(response)["error"].startswith(message), body
    assert post(api, "/proxies/none/toxics", {"type": "noop"}).status_code == 404


def test_toxic_update_merges_and_delete(api):
    make(api)
    post(
        api,
        "/proxies/p/toxics",
        {"type": "latency", "toxicity": 0.5, "attributes": {"latency": 100, "jitter": 10}},
    )
    url = "/proxies/p/toxics/latency_downstream"
    updated = post(api, url, {"attributes": {"jitter": 3}})
    assert updated.status_code == 200
    assert updated.json()["attributes"] == {"latency": 100, "jitter": 3}
    assert updated.json()["toxicity"] == 0.5
    patched = requests.patch(api + url, json={"toxicity": 1}, timeout=5).json()
    assert patched["toxicity"] == 1 and patched["attributes"]["latency"] == 100
    assert requests.get(api + url, timeout=5).json() == patched
    assert post(api, url, {"attributes": {"latency": 1.5}}).status_code == 400
    missing = post(api, "/proxies/p/toxics/none", {})
    assert missing.status_code == 404 and error_of(missing)["error"] == "toxic not found"
    deleted = requests.delete(api + url, timeout=5)
    assert (deleted.status_code, deleted.text) == (204, "")
    again = requests.delete(api + url, timeout=5)
    assert again.status_code == 404 and error_of(again)["error"] == "toxic not found"


def test_toxic_listing_order(api):
    make(api)
    for name, stream in (
        ("d1", "downstream"),
        ("u1", "upstream"),
        ("d2", "downstream"),
        ("u2", "upstream"),
    ):
        post(api, "/proxies/p/toxics", {"type": "noop", "name": name, "stream": stream})
    names = [t["name"] for t in requests.get(api + "/proxies/p/toxics", timeout=5).json()]
    assert names == ["u1", "u2", "d1", "d2"]


def test_metrics_flag(api, server):
    make(api)
    metrics = requests.get(api + "/metrics", timeout=5)
    assert metrics.status_code == 200
    assert 'toxiproxy_proxy_received_bytes_total{direction="upstream"' in metrics.text
    assert 'proxy="p"' in metrics.text
