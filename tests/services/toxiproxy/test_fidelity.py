"""Where a client could tell Toxiproxy 2.12 from this server: listen resolution, wildcard
listens, and Go's type-error texts (as observed on the real server, see the README)."""

from __future__ import annotations

import socket

import pytest
import requests

from lab.net import free_port
from services.toxiproxy.launch import start
from tests.services.toxiproxy.test_toxics import round_trip
from tests.services.toxiproxy.upstreams import echo_server

BAD = "bad request body: json: cannot unmarshal "
POPULATE_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }'
UPDATE_TYPE = (
    'struct { Attributes interface {} "json:\\"attributes\\""; '
    'Toxicity float32 "json:\\"toxicity\\"" }'
)


@pytest.fixture(scope="module")
def remote_api():
    with start("-allow-remote-listen") as server:
        yield server.url


@pytest.mark.parametrize("how", ["populate", "update"])
def test_same_listen_by_host_name_keeps_proxy_toxics_and_live_connections(api, how):
    port = free_port()
    with echo_server() as up:
        spec = {"name": "kept", "listen": f"localhost:{port}", "upstream": up.address}
        created = requests.post(api + "/proxies", json=spec, timeout=5)
        assert created.json()["listen"] == f"127.0.0.1:{port}"
        toxic = {"type": "latency", "attributes": {"latency": 1}}
        assert requests.post(api + "/proxies/kept/toxics", json=toxic, timeout=5).ok
        with socket.create_connection(("127.0.0.1", port), timeout=5) as live:
            round_trip(live)
            if how == "populate":
                response = requests.post(api + "/populate", json=[spec], timeout=5)
                assert response.status_code == 201
                proxy = response.json()["proxies"][0]
            else:
                response = requests.post(api + "/proxies/kept", json=spec, timeout=5)
                assert response.status_code == 200
                proxy = response.json()
            assert proxy["listen"] == f"127.0.0.1:{port}"
            assert [t["name"] for t in proxy["toxics"]] == ["latency_downstream"]
            round_trip(live)  # the same connection still works: nothing was restarted


def test_a_changed_upstream_still_replaces_the_proxy(api):
    port = free_port()
    with echo_server() as up, echo_server() as other:
        spec = {"name": "moved", "listen": f"localhost:{port}", "upstream": up.address}
        requests.post(api + "/proxies", json=spec, timeout=5)
        requests.post(api + "/proxies/moved/toxics", json={"type": "noop"}, timeout=5)
        spec["upstream"] = other.address
        proxy = requests.post(api + "/populate", json=[spec], timeout=5).json()["proxies"][0]
        assert proxy["toxics"] == [] and proxy["upstream"] == other.address


def test_port_conflict_names_the_resolved_address(api):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        for listen in (f"localhost:{port}", f"127.0.0.1:{port}"):
            spec = {"name": "clash", "listen": listen, "upstream": "127.0.0.1:9"}
            response = requests.post(api + "/proxies", json=spec, timeout=5)
            assert response.status_code == 500
            assert response.json() == {
                "error": f"listen tcp 127.0.0.1:{port}: bind: address already in use",
                "status": 500,
            }


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("listen", ["0.0.0.0:0", ":0", "", "[::]:0"])
def test_wildcard_listens_are_dual_stack_where_allowed(remote_api, listen):
    with echo_server() as up:
        spec = {"name": "wild", "listen": listen, "upstream": up.address}
        response = requests.post(remote_api + "/proxies", json=spec, timeout=5)
        assert response.status_code == 201, response.text
        host, _, port = response.json()["listen"].rpartition(":")
        assert host == ("[::]" if _has_ipv6() else "0.0.0.0")
        with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as sock:
            round_trip(sock)  # IPv4 clients reach the dual-stack listener
        requests.delete(remote_api + "/proxies/wild", timeout=5)


# (method, path, body, expected error) on a proxy "p" with a latency toxic "lat"
TYPE_ERRORS = [
    # proxies
    ("POST", "/proxies", {"name": 5}, "number into Go struct field Proxy.name of type string"),
    (
        "POST",
        "/proxies",
        {"name": "x", "listen": []},
        "array into Go struct field Proxy.listen of type string",
    ),
    (
        "POST",
        "/proxies",
        {"name": "x", "upstream": {}},
        "object into Go struct field Proxy.upstream of type string",
    ),
    (
        "POST",
        "/proxies",
        {"name": "x", "enabled": "yes"},
        "string into Go struct field Proxy.enabled of type bool",
    ),
    ("POST", "/proxies", 5, "number into Go value of type toxiproxy.Proxy"),
    (
        "POST",
        "/proxies/p",
        {"enabled": 1},
        "number into Go struct field Proxy.enabled of type bool",
    ),
    (
        "POST",
        "/proxies/p",
        {"upstream": True},
        "bool into Go struct field Proxy.upstream of type string",
    ),
    ("POST", "/proxies/p", [], "array into Go value of type toxiproxy.Proxy"),
    ("POST", "/populate", [{"name": 5}], "number into Go struct field .name of type string"),
    (
        "POST",
        "/populate",
        [{"name": "x", "enabled": "x"}],
        "string into Go struct field .enabled of type bool",
    ),
    (
        "POST",
        "/populate",
        [{"name": "x", "listen": 1}],
        "number into Go struct field .listen of type string",
    ),
    (
        "POST",
        "/populate",
        [{"name": "x", "upstream": False}],
        "bool into Go struct field .upstream of type string",
    ),
    ("POST", "/populate", {"name": "a"}, f"object into Go value of type []{POPULATE_TYPE}"),
    ("POST", "/populate", [5], f"number into Go value of type {POPULATE_TYPE}"),
    # toxic create: the wrapper, then the attributes of each type
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "toxicity": "abc"},
        "string into Go struct field ToxicWrapper.toxicity of type float32",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "toxicity": 1e39},
        "number 1e+39 into Go struct field ToxicWrapper.toxicity of type float32",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "name": 1},
        "number into Go struct field ToxicWrapper.name of type string",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "stream": True},
        "bool into Go struct field ToxicWrapper.stream of type string",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": 5},
        "number into Go struct field ToxicWrapper.type of type string",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "attributes": 5},
        "number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic",
    ),
    ("POST", "/proxies/p/toxics", "x", "string into Go value of type toxics.ToxicWrapper"),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "attributes": {"latency": "x"}},
        "string into Go struct field LatencyToxic.attributes.latency of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "attributes": {"jitter": 1.5}},
        "number 1.5 into Go struct field LatencyToxic.attributes.jitter of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "latency", "attributes": {"latency": 2**63}},
        f"number {2**63} into Go struct field LatencyToxic.attributes.latency of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "bandwidth", "attributes": {"rate": True}},
        "bool into Go struct field BandwidthToxic.attributes.rate of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "slow_close", "attributes": {"delay": "1"}},
        "string into Go struct field SlowCloseToxic.attributes.delay of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "timeout", "attributes": {"timeout": []}},
        "array into Go struct field TimeoutToxic.attributes.timeout of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "reset_peer", "attributes": {"timeout": {}}},
        "object into Go struct field ResetToxic.attributes.timeout of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "slicer", "attributes": {"average_size": "1"}},
        "string into Go struct field SlicerToxic.attributes.average_size of type int",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "slicer", "attributes": {"size_variation": 0.5}},
        "number 0.5 into Go struct field SlicerToxic.attributes.size_variation of type int",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "slicer", "attributes": {"delay": "1"}},
        "string into Go struct field SlicerToxic.attributes.delay of type int",
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "limit_data", "attributes": {"bytes": 1.0}},
        "number 1.0 into Go struct field LimitDataToxic.attributes.bytes of type int64",
    ),
    # toxic update: an anonymous struct, then the toxic's own attributes
    (
        "POST",
        "/proxies/p/toxics/lat",
        {"toxicity": "abc"},
        "string into Go struct field .toxicity of type float32",
    ),
    (
        "PATCH",
        "/proxies/p/toxics/lat",
        {"attributes": 5},
        "number into Go struct field .attributes of type toxics.LatencyToxic",
    ),
    (
        "POST",
        "/proxies/p/toxics/lat",
        {"attributes": {"latency": "x"}},
        "string into Go struct field LatencyToxic.attributes.latency of type int64",
    ),
    (
        "POST",
        "/proxies/p/toxics/lat",
        {"attributes": {"jitter": 2.5}},
        "number 2.5 into Go struct field LatencyToxic.attributes.jitter of type int64",
    ),
    ("POST", "/proxies/p/toxics/lat", True, f"bool into Go value of type {UPDATE_TYPE}"),
]


@pytest.mark.parametrize(("method", "path", "body", "error"), TYPE_ERRORS)
def test_type_errors_read_as_go_prints_them(api, method, path, body, error):
    spec = {"name": "p", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:9"}
    assert requests.post(api + "/proxies", json=spec, timeout=5).status_code == 201
    toxic = {"name": "lat", "type": "latency", "attributes": {"latency": 1}}
    assert requests.post(api + "/proxies/p/toxics", json=toxic, timeout=5).status_code == 200
    response = requests.request(method, api + path, json=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"] == BAD + error
    if path == "/populate":
        assert response.json()["proxies"] is None


def test_literal_text_of_numbers_is_kept(api):
    requests.post(api + "/proxies", json={"name": "p", "upstream": "127.0.0.1:9"}, timeout=5)
    body = b'{"type": "latency", "attributes": {"latency": 1E2}}'
    response = requests.post(api + "/proxies/p/toxics", data=body, timeout=5)
    assert response.json()["error"] == (
        BAD + "number 1E2 into Go struct field LatencyToxic.attributes.latency of type int64"
    )


def test_wildcard_falls_back_to_ipv4_without_ipv6(monkeypatch):
    """In-process, real sockets: where IPv6 sockets fail, a wildcard listen binds 0.0.0.0."""
    from services.toxiproxy import address

    real = address._listening_socket

    def no_ipv6(family, sockaddr, dual_stack=False):
        if family == socket.AF_INET6:
            raise OSError(97, "Address family not supported by protocol")
        return real(family, sockaddr, dual_stack)

    monkeypatch.setattr(address, "_listening_socket", no_ipv6)
    for listen in ("0.0.0.0:0", ":0", "[::]:0"):
        sock = address.bind(listen)
        try:
            assert sock.family == socket.AF_INET and sock.getsockname()[0] == "0.0.0.0"
        finally:
            sock.close()
    monkeypatch.setattr(address.socket, "has_ipv6", False)
    sock = address.bind(":0")
    try:
        assert sock.getsockname()[0] == "0.0.0.0"
    finally:
        sock.close()
