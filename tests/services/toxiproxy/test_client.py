"""Every call of toxiproxy-python 0.1.1 against the server."""

from __future__ import annotations

import pytest
from toxiproxy import Toxiproxy
from toxiproxy.exceptions import NotFound, ProxyExists

from lab.net import port_open
from tests.services.toxiproxy.upstreams import connect, echo_server


def _port(listen: str) -> int:
    return int(listen.rpartition(":")[2])


def test_create_proxies_get_proxy_and_destroy(api):
    client = Toxiproxy()
    with echo_server() as up:
        proxy = client.create(upstream=up.address, name="echo")
        assert proxy.enabled is True
        assert proxy.listen.startswith("127.0.0.1:") and _port(proxy.listen) > 0
        assert set(client.proxies()) == {"echo"}
        assert client.get_proxy("echo").upstream == up.address
        assert client.get_proxy("nope") is None
        with connect(proxy.listen) as sock:
            sock.sendall(b"ping")
            assert sock.recv(4) == b"ping"
        with pytest.raises(ProxyExists):
            client.create(upstream=up.address, name="echo")
        assert client.destroy(proxy) is True
        assert client.proxies() == {}
        with pytest.raises(NotFound):
            proxy.destroy()


def test_toxics_add_get_destroy(api):
    client = Toxiproxy()
    proxy = client.create(upstream="127.0.0.1:9", name="p")
    proxy.add_toxic(type="latency", attributes={"latency": 50, "jitter": 5})
    proxy.add_toxic(type="bandwidth", stream="upstream", attributes={"rate": 10})
    toxics = proxy.toxics()
    assert list(toxics) == ["bandwidth_upstream", "latency_downstream"]  # upstream first
    latency = proxy.get_toxic("latency_downstream")
    assert latency.type == "latency" and latency.stream == "downstream"
    assert latency.attributes == {"latency": 50, "jitter": 5}
    assert latency.toxicity == 1
    assert proxy.get_toxic("absent") is None
    assert proxy.destroy_toxic("latency_downstream") is True
    assert list(proxy.toxics()) == ["bandwidth_upstream"]
    with pytest.raises(NotFound):
        proxy.destroy_toxic("latency_downstream")


def test_down_context_stops_listening_then_restores(api):
    client = Toxiproxy()
    with echo_server() as up:
        proxy = client.create(upstream=up.address, name="downable")
        port = _port(proxy.listen)
        assert port_open("127.0.0.1", port)
        with proxy.down():
            assert client.get_proxy("downable").enabled is False
            assert not port_open("127.0.0.1", port)
        assert client.get_proxy("downable").enabled is True
        assert port_open("127.0.0.1", port)


def test_populate_reset_destroy_all_version_running(api):
    client = Toxiproxy()
    made = client.populate(
        [
            {"name": "one", "upstream": "127.0.0.1:9", "listen": "127.0.0.1:0"},
            {"name": "two", "upstream": "127.0.0.1:10", "listen": "127.0.0.1:0"},
        ]
    )
    assert [p.name for p in made] == ["one", "two"]
    one = client.get_proxy("one")
    one.add_toxic(type="timeout", attributes={"timeout": 10})
    one.disable()
    assert client.reset() is True
    after = client.get_proxy("one")
    assert after.enabled is True and after.toxics() == {}
    assert client.version() == b'{"version": "2.12.0"}\n'
    assert client.running() is True
    client.destroy_all()
    assert client.proxies() == {}
