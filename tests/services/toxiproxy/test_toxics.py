"""Each toxic, shown on real connections through the proxy to a real upstream.

Timing: lower bounds are close to the setting (the toxic must really delay); upper bounds
are wide, because this machine is shared and noisy.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests

from tests.services.toxiproxy.upstreams import connect, echo_server, http_server, recv_exactly


def proxy_to(api: str, upstream: str, name: str = "p") -> str:
    response = requests.post(
        api + "/proxies",
        json={"name": name, "upstream": upstream, "listen": "127.0.0.1:0"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return response.json()["listen"]


def add_toxic(
    api: str,
    kind: str,
    stream: str = "downstream",
    name: str | None = None,
    toxicity: float = 1.0,
    **attributes,
) -> None:
    body = {"type": kind, "stream": stream, "toxicity": toxicity, "attributes": attributes}
    if name:
        body["name"] = name
    response = requests.post(api + "/proxies/p/toxics", json=body, timeout=5)
    assert response.status_code == 200, response.text


def round_trip(sock: socket.socket, payload: bytes = b"ping") -> float:
    start = time.monotonic()
    sock.sendall(payload)
    assert recv_exactly(sock, len(payload)) == payload
    return time.monotonic() - start


@pytest.fixture
def echo(api):
    with echo_server() as up:
        yield proxy_to(api, up.address)


@pytest.mark.parametrize("stream", ["downstream", "upstream"])
def test_latency_delays_each_round_trip(api, echo, stream):
    add_toxic(api, "latency", stream=stream, latency=150)
    with connect(echo) as sock:
        for _ in range(2):
            assert 0.145 <= round_trip(sock) < 2.0


def test_latency_with_zero_toxicity_does_nothing(api, echo):
    add_toxic(api, "latency", latency=1000, toxicity=0)
    with connect(echo) as sock:
        assert round_trip(sock) < 0.9


def test_toxic_added_to_live_keep_alive_http_connection(api):
    with http_server() as up:
        listen = proxy_to(api, up.address)
        request = b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n"
        with connect(listen) as sock:

            def get() -> float:
                start = time.monotonic()
                sock.sendall(request)
                data = b""
                while not data.endswith(b"hello\n"):
                    chunk = sock.recv(4096)
                    assert chunk, "connection closed"
                    data += chunk
                return time.monotonic() - start

            get()  # the connection is up and kept alive
            add_toxic(api, "latency", latency=600)
            assert get() >= 0.59  # same socket: the new toxic applies to it
            requests.delete(api + "/proxies/p/toxics/latency_downstream", timeout=5)
            assert get() < 0.5  # and its removal too


def test_keep_alive_requests_session_feels_new_latency(api):
    with http_server() as up:
        url = "http://" + proxy_to(api, up.address)
        with requests.Session() as session:
            assert session.get(url, timeout=5).text == "hello\n"
            add_toxic(api, "latency", latency=300)
            start = time.monotonic()
            assert session.get(url, timeout=5).text == "hello\n"
            assert time.monotonic() - start >= 0.29


def test_bandwidth_limits_rate(api, echo):
    add_toxic(api, "bandwidth", rate=200)  # 200 KB/s = 200,000 bytes/s
    payload = b"x" * 200_000
    with connect(echo, timeout=10) as sock:
        sock.sendall(payload)
        start = time.monotonic()
        assert recv_exactly(sock, len(payload)) == payload
        assert 0.85 <= time.monotonic() - start < 6.0


def test_timeout_drops_data_then_closes(api, echo):
    add_toxic(api, "timeout", timeout=300)
    with connect(echo) as sock:
        start = time.monotonic()
        sock.sendall(b"lost")
        assert sock.recv(10) == b""
        assert 0.28 <= time.monotonic() - start < 3.0


def test_timeout_zero_holds_data_forever(api, echo):
    add_toxic(api, "timeout", timeout=0)
    with connect(echo, timeout=0.5) as sock:
        sock.sendall(b"held")
        with pytest.raises(socket.timeout):
            sock.recv(10)


def test_removing_a_timeout_toxic_closes_its_connections(api, echo):
    with connect(echo, timeout=3) as sock:
        round_trip(sock)  # the link is up before the toxic arrives
        add_toxic(api, "timeout", timeout=0)
        sock.sendall(b"held")
        requests.delete(api + "/proxies/p/toxics/timeout_downstream", timeout=5)
        assert sock.recv(10) == b""


def test_reset_peer_sends_rst(api, echo):
    add_toxic(api, "reset_peer", timeout=100)
    with connect(echo) as sock:
        start = time.monotonic()
        sock.sendall(b"boom")
        with pytest.raises(ConnectionResetError):
            sock.recv(10)
        assert time.monotonic() - start >= 0.095


def test_slicer_cuts_data_into_many_small_reads(api, echo):
    add_toxic(api, "slicer", average_size=10, size_variation=5, delay=1000)
    payload = bytes(range(256)) * 8  # 2,048 bytes
    with connect(echo) as sock:
        sock.sendall(payload)
        reads, data = 0, b""
        while len(data) < len(payload):
            chunk = sock.recv(4096)
            assert chunk
            data += chunk
            reads += 1
    assert data == payload
    assert reads >= 20  # one write of 2 KB arrives in dozens of pieces


def test_limit_data_closes_after_n_bytes(api, echo):
    add_toxic(api, "limit_data", bytes=1000)
    with connect(echo) as sock:
        sock.sendall(b"y" * 5000)
        data = recv_exactly(sock, 5000)
    assert data == b"y" * 1000


def test_slow_close_delays_the_close(api, echo):
    with connect(echo) as sock:  # without the toxic the close comes at once
        sock.shutdown(socket.SHUT_WR)
        start = time.monotonic()
        assert sock.recv(10) == b""
        quick = time.monotonic() - start
    add_toxic(api, "slow_close", delay=500)
    with connect(echo) as sock:
        sock.sendall(b"bye")
        assert recv_exactly(sock, 3) == b"bye"
        sock.shutdown(socket.SHUT_WR)
        start = time.monotonic()
        assert sock.recv(10) == b""
        assert time.monotonic() - start >= 0.49 > quick


def test_noop_passes_data(api, echo):
    add_toxic(api, "noop")
    with connect(echo) as sock:
        assert round_trip(sock, b"z" * 100_000) < 3.0


def test_updating_a_toxic_reaches_a_live_connection(api, echo):
    add_toxic(api, "latency", latency=100)
    with connect(echo) as sock:
        assert round_trip(sock) >= 0.095
        response = requests.post(
            api + "/proxies/p/toxics/latency_downstream",
            json={"attributes": {"latency": 500}},
            timeout=5,
        )
        assert response.json()["attributes"] == {"latency": 500, "jitter": 0}
        assert round_trip(sock) >= 0.49


def test_jitter_varies_the_delay_within_bounds(api, echo):
    add_toxic(api, "latency", latency=100, jitter=80)
    with connect(echo) as sock:
        times = [round_trip(sock) for _ in range(12)]
    assert min(times) >= 0.019  # 100 - 80 ms at least
    assert max(times) - min(times) > 0.01  # not a fixed delay


def test_metrics_count_bytes_both_ways(api, echo):
    with connect(echo) as sock:
        round_trip(sock, b"q" * 1000)
    text = requests.get(api + "/metrics", timeout=5).text
    counters = {}
    for line in text.splitlines():
        if line.startswith("toxiproxy_proxy_") and 'proxy="p"' in line:
            name = line.split("{")[0]
            direction = line.split('direction="')[1].split('"')[0]
            counters[name, direction] = int(line.rsplit(" ", 1)[1])
    for direction in ("upstream", "downstream"):
        assert counters["toxiproxy_proxy_received_bytes_total", direction] == 1000
        assert counters["toxiproxy_proxy_sent_bytes_total", direction] == 1000
