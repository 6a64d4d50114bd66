"""What learner code can do to the proxy server: loops refused, one proxy's flood capped,
running out of file descriptors survived, and the liveness record (GET /lab/heartbeat)."""

from __future__ import annotations

import contextlib
import resource
import socket
import time

import psutil
import pytest
import requests

from lab.net import free_port
from services.toxiproxy.launch import start
from tests.services.toxiproxy.test_toxics import round_trip
from tests.services.toxiproxy.upstreams import connect, echo_server


def _create(api: str, **spec) -> requests.Response:
    return requests.post(api + "/proxies", json=spec, timeout=5)


def _assert_loop_refused(response: requests.Response, *names: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("text/plain")  # Go's http.Error
    body = response.json()
    assert set(body) == {"error", "status"} and body["status"] == 400
    assert "makes a loop" in body["error"] and " -> ".join(names) in body["error"], body


@pytest.fixture(scope="module")
def remote_api():
    with start("-allow-remote-listen") as server:
        yield server.url


# -- loops -----------------------------------------------------------------------------------
def test_two_proxies_dialling_each_other_are_refused(api):
    a, b = free_port(), free_port()
    first = _create(api, name="a", listen=f"127.0.0.1:{a}", upstream=f"127.0.0.1:{b}")
    assert first.status_code == 201  # nothing listens on b yet: an ordinary dead upstream
    second = _create(api, name="b", listen=f"localhost:{b}", upstream=f"localhost:{a}")
    _assert_loop_refused(second, "b", "a", "b")
    assert set(requests.get(api + "/proxies", timeout=5).json()) == {"a"}
    # a connection into a finds nothing at b and is closed: no connection multiplies
    with socket.create_connection(("127.0.0.1", a), timeout=5) as sock:
        sock.settimeout(5)
        assert sock.recv(1) == b""


def test_a_longer_loop_is_refused_and_a_chain_without_one_works(api):
    a, b, c = free_port(), free_port(), free_port()
    with echo_server() as up:
        assert _create(api, name="a", listen=f"127.0.0.1:{a}", upstream=f"127.0.0.1:{b}").ok
        assert _create(api, name="b", listen=f"127.0.0.1:{b}", upstream=f"127.0.0.1:{c}").ok
        looped = _create(api, name="c", listen=f"127.0.0.1:{c}", upstream=f"127.0.0.1:{a}")
        _assert_loop_refused(looped, "c", "a", "b", "c")
        chained = _create(api, name="c", listen=f"127.0.0.1:{c}", upstream=up.address)
        assert chained.status_code == 201
        with connect(f"127.0.0.1:{a}") as sock:  # a -> b -> c -> echo
            round_trip(sock)


def test_every_proxy_on_an_address_is_followed_a_disabled_one_too(api):
    """y and a disabled x share port p: z -> p loops through x although y leads out."""
    p, q = free_port(), free_port()
    with echo_server() as up:
        assert _create(api, name="y", listen=f"127.0.0.1:{p}", upstream=up.address).ok
        x = _create(
            api, name="x", listen=f"127.0.0.1:{p}", upstream=f"127.0.0.1:{q}", enabled=False
        )
        assert x.status_code == 201
        looped = _create(api, name="z", listen=f"127.0.0.1:{q}", upstream=f"127.0.0.1:{p}")
        _assert_loop_refused(looped, "z", "x", "z")


def test_a_wildcard_listen_is_reached_by_loopback_upstreams(remote_api):
    a, b = free_port(), free_port()
    try:
        assert _create(remote_api, name="a", listen=f"0.0.0.0:{a}", upstream=f"127.0.0.1:{b}").ok
        refused = _create(remote_api, name="b", listen=f"127.0.0.1:{b}", upstream=f"localhost:{a}")
        _assert_loop_refused(refused, "b", "a", "b")
    finally:
        requests.delete(remote_api + "/proxies/a", timeout=5)


def test_an_update_that_closes_a_loop_is_refused_and_changes_nothing(api):
    with echo_server() as up:
        a = _create(api, name="a", listen="127.0.0.1:0", upstream=up.address).json()
        b = _create(api, name="b", listen="127.0.0.1:0", upstream=a["listen"]).json()
        changed = requests.post(api + "/proxies/a", json={"upstream": b["listen"]}, timeout=5)
        _assert_loop_refused(changed, "a", "b", "a")
        assert requests.get(api + "/proxies/a", timeout=5).json() == a
        with connect(b["listen"]) as sock:  # b -> a -> echo still works
            round_trip(sock)


def test_populate_refuses_a_loop_among_the_new_proxies_before_creating_any(api):
    a, b = free_port(), free_port()
    specs = [
        {"name": "a", "listen": f"127.0.0.1:{a}", "upstream": f"127.0.0.1:{b}"},
        {"name": "b", "listen": f"127.0.0.1:{b}", "upstream": f"127.0.0.1:{a}"},
    ]
    response = requests.post(api + "/populate", json=specs, timeout=5)
    assert response.status_code == 400
    body = response.json()
    assert body["proxies"] is None and "makes a loop" in body["error"]
    assert "at proxy 1" in body["error"]
    assert requests.get(api + "/proxies", timeout=5).json() == {}


# -- one proxy's flood -----------------------------------------------------------------------
MAX_LINKS = 50


@pytest.fixture(scope="module")
def capped():
    with start("-max-links", str(MAX_LINKS)) as server:
        yield server


def _links(url: str) -> dict:
    return requests.get(url + "/lab/heartbeat", timeout=5).json()["proxies"]


def _until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def _dial(host: str, port: int) -> socket.socket | None:
    """A connection, or None when it was refused so fast that connecting saw the reset."""
    try:
        return socket.create_connection((host, port), timeout=5)
    except ConnectionResetError:
        return None


def _answers(sock: socket.socket) -> bool:
    """Whether a connection still carries data both ways (an echo of one message)."""
    try:
        sock.settimeout(5)
        sock.sendall(b"ping")
        return sock.recv(16) == b"ping"
    except OSError:
        return False


def test_a_flood_into_one_proxy_is_capped_and_the_others_answer(capped):
    with echo_server() as up, contextlib.ExitStack() as held:
        flood = _create(capped.url, name="flood", listen="127.0.0.1:0", upstream=up.address)
        other = _create(capped.url, name="other", listen="127.0.0.1:0", upstream=up.address)
        flood_host, _, flood_port = flood.json()["listen"].rpartition(":")
        dialled = [_dial(flood_host, int(flood_port)) for _ in range(4 * MAX_LINKS)]
        socks = [held.enter_context(sock) for sock in dialled if sock is not None]
        _until(lambda: _links(capped.url)["flood"]["refused"] >= 3 * MAX_LINKS)
        assert _links(capped.url)["flood"]["links"] == MAX_LINKS
        assert sum(_answers(sock) for sock in socks) == MAX_LINKS  # the first 50 work
        with connect(other.json()["listen"]) as sock:
            round_trip(sock)
        for sock in socks:
            sock.close()
        _until(lambda: _links(capped.url)["flood"]["links"] == 0)
        with connect(flood.json()["listen"]) as sock:  # room again
            round_trip(sock)
    for name in ("flood", "other"):
        requests.delete(f"{capped.url}/proxies/{name}", timeout=5)


def _fd_limit(n: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))

    return limit


def test_out_of_file_descriptors_the_accept_loop_waits_and_recovers(tmp_path):
    """With 200 descriptors and room for 1,000 links, a flood exhausts the server: it must
    neither spin nor log without end, and must serve again once the flood is gone."""
    log = tmp_path / "toxiproxy.log"
    with (
        open(log, "wb") as err,
        start("-max-links", "1000", stderr=err, preexec_fn=_fd_limit(200)) as server,
        echo_server() as up,
        contextlib.ExitStack() as held,
    ):
        flood = _create(server.url, name="flood", listen="127.0.0.1:0", upstream=up.address)
        host, _, port = flood.json()["listen"].rpartition(":")
        for _ in range(300):
            held.enter_context(socket.create_connection((host, int(port)), timeout=5))
        process = psutil.Process(server.pid)
        _until(lambda: process.num_fds() >= 195)
        cpu_before = sum(process.cpu_times()[:2])
        time.sleep(2.0)
        cpu = sum(process.cpu_times()[:2]) - cpu_before
        assert cpu < 0.5, f"the server used {cpu:.2f} s of CPU in 2 s while out of files"
        held.close()
        _until(lambda: requests.get(server.url + "/version", timeout=5).ok)
        other = _create(server.url, name="other", listen="127.0.0.1:0", upstream=up.address)
        assert other.status_code == 201, other.text
        with connect(other.json()["listen"]) as sock:
            round_trip(sock)
    warnings = [line for line in log.read_text().splitlines() if "accept failed" in line]
    assert 1 <= len(warnings) <= 3, warnings  # one per 5 s, not one per retry


# -- the liveness record ---------------------------------------------------------------------
def test_the_heartbeat_says_the_gap_the_start_and_each_proxys_links(api, server):
    before = time.time()
    with echo_server() as up:
        proxy = _create(api, name="hb", listen="127.0.0.1:0", upstream=up.address).json()
        with connect(proxy["listen"]) as sock:
            round_trip(sock)
            response = requests.get(api + "/lab/heartbeat", params={"since": before}, timeout=5)
    assert response.status_code == 200 and "X-Toxiproxy-Request-Id" in response.headers
    body = response.json()
    assert body["since"] == before and body["started"] < before <= body["now"]
    assert 0 <= body["gap"] < 1.0 and body["interval"] == 0.1 and body["pid"] == server.pid
    assert body["proxies"]["hb"] == {"links": 1, "refused": 0}
    assert body["max_links"] >= 64
    for bad in ("soon", "nan", "inf"):
        refused = requests.get(api + "/lab/heartbeat", params={"since": bad}, timeout=5)
        assert refused.status_code == 400 and refused.json()["status"] == 400
    assert requests.post(api + "/lab/heartbeat", timeout=5).status_code == 405
