"""Reliability guards: the control API refuses what a web page could make a browser send, and
DNS over TCP survives slow and idle clients (a whole-message deadline, a connection cap)."""

from __future__ import annotations

import select
import socket
import time

import pytest
from dnslib import DNSRecord

from services.dns import control

from .conftest import HOST, read_frame, start_dns, tcp_frame
from .test_delay_control import http

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture(scope="module")
def dns(tmp_path_factory):
    service = start_dns(tmp_path_factory.mktemp("dns-guard"))
    yield service
    service.stop()


@pytest.fixture
def delay_40(dns):
    control.set_delay(dns.control_url, 40)
    yield
    control.set_delay(dns.control_url, 0)


# -- the control API ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/delay", None), ("PUT", "/delay", b'{"delay_ms": 5}'), ("GET", "/record", None)],
)
def test_a_browser_user_agent_gets_toxiproxys_403(dns, delay_40, method, path, body):
    status, reply, ctype = http(dns.control_url + path, method, body, {"User-Agent": BROWSER_UA})
    assert (status, reply, ctype) == (
        403,
        {"error": "User agent not allowed", "status": 403},
        "application/json",
    )
    assert control.get_delay(dns.control_url) == 40


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another port of this machine is another origin
        {"Origin": "http://rebound.example:PORT", "Host": "rebound.example:PORT"},  # rebinding
    ],
)
def test_a_foreign_origin_cannot_change_the_delay(dns, delay_40, headers):
    port = str(dns.control_port)
    headers = {k: v.replace("PORT", port) for k, v in headers.items()}
    for method in ("PUT", "POST"):
        status, reply, _ = http(dns.control_url + "/delay", method, b'{"delay_ms": 5}', headers)
        assert status == 403 and reply["status"] == 403 and "Origin" in reply["error"]
    assert control.get_delay(dns.control_url) == 40


def test_its_own_origin_may_change_the_delay(dns, delay_40):
    for origin in (dns.control_url, f"http://localhost:{dns.control_port}"):
        host = origin.removeprefix("http://")
        status, reply, _ = http(
            dns.control_url + "/delay",
            "PUT",
            b'{"delay_ms": 7}',
            {"Origin": origin, "Host": host},
        )
        assert (status, reply) == (200, {"delay_ms": 7})


def test_reads_do_not_need_an_origin_check(dns):
    status, reply, _ = http(dns.control_url + "/delay", headers={"Origin": "http://x.example"})
    assert status == 200 and "delay_ms" in reply


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_body_that_is_not_declared_json_is_415(dns, delay_40, content_type):
    for method in ("PUT", "POST"):
        status, reply, _ = http(
            dns.control_url + "/delay",
            method,
            b'{"delay_ms": 5}',
            {"Content-Type": content_type},
        )
        assert (status, reply["status"]) == (415, 415)
    assert control.get_delay(dns.control_url) == 40


def test_json_with_a_charset_is_json(dns, delay_40):
    status, reply, _ = http(
        dns.control_url + "/delay",
        "PUT",
        b'{"delay_ms": 9}',
        {"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert (status, reply) == (200, {"delay_ms": 9})


# -- DNS over TCP -------------------------------------------------------------------------
def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True if the server closes ``sock`` (EOF or reset) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionError:
        return True
    except TimeoutError:
        return False


def test_a_message_trickled_in_is_cut_at_the_whole_message_deadline(tmp_path):
    """One byte every 0.3 s never lets a per-recv idle timeout fire; the 1 s deadline for the
    whole message does. (A 64-byte message at that pace would take 20 s.)"""
    service = start_dns(tmp_path, "--tcp-timeout", "1")
    try:
        message = tcp_frame(b"\x00" * 64)
        with socket.create_connection((HOST, service.port), timeout=5) as sock:
            start = time.monotonic()
            closed_after = None
            for byte in message[:30]:  # at most 9 s
                try:
                    sock.sendall(bytes([byte]))
                except ConnectionError:
                    closed_after = time.monotonic() - start
                    break
                if closed_by_server(sock, 0.3):
                    closed_after = time.monotonic() - start
                    break
        assert closed_after is not None, "the server kept a trickling client for 9 s"
        assert 0.8 <= closed_after < 5, closed_after
        # an idle connection is closed at the deadline too; a prompt client is answered
        with socket.create_connection((HOST, service.port), timeout=5) as idle:
            assert closed_by_server(idle, 5)
        assert service.query("python.org", tcp=True).rr
    finally:
        assert service.stop() == 0


def test_queries_are_answered_while_300_slow_loris_connections_are_open(tmp_path):
    """300 connections that each sent one byte, against the default cap of 256 and a deadline
    far away: new clients still get answers, and the slow connections make room for them."""
    service = start_dns(tmp_path, "--tcp-timeout", "60")
    slow = []
    try:
        for _ in range(300):
            s = socket.create_connection((HOST, service.port), timeout=10)
            s.sendall(b"\x00")  # the first byte of a length prefix, and nothing more
            slow.append(s)
        for i in range(5):
            reply = service.query(f"w{i:02d}.lab.test", tcp=True, timeout=5)
            assert reply.rr, reply
        # the oldest slow connections were closed to make room (300 - 256 at least)
        closed = set()
        deadline = time.monotonic() + 5
        while len(closed) < 300 - 256 and time.monotonic() < deadline:
            readable, _, _ = select.select([s for s in slow if s not in closed], [], [], 0.5)
            closed.update(s for s in readable if closed_by_server(s, 0.1))
        assert len(closed) >= 300 - 256
        assert slow[0] in closed and slow[-1] not in closed  # oldest first
        assert service.query("python.org", tcp=False).rr
    finally:
        for s in slow:
            s.close()
        assert service.stop() == 0


def test_beyond_the_cap_with_every_answer_pending_a_new_connection_is_closed(tmp_path):
    """Connections with answers in flight are never the ones closed to make room."""
    service = start_dns(tmp_path, "--tcp-max-connections", "3", "--delay-ms", "1500")
    busy = []
    try:
        queries = [DNSRecord.question(f"w{i:02d}.lab.test") for i in range(3)]
        for q in queries:
            s = socket.create_connection((HOST, service.port), timeout=10)
            s.sendall(tcp_frame(q.pack()))
            busy.append(s)
        time.sleep(0.3)  # the three queries are read and waiting out their delay
        with socket.create_connection((HOST, service.port), timeout=10) as extra:
            assert closed_by_server(extra, 5)
        for s, q in zip(busy, queries):  # and every busy connection still gets its answer
            s.settimeout(10)
            reply = DNSRecord.parse(read_frame(s))
            assert reply.header.id == q.header.id and reply.rr
    finally:
        for s in busy:
            s.close()
        assert service.stop() == 0
