"""What httpbin does with a huge body, and its liveness record (GET /lab/heartbeat).

A real server process on a free port, driven with raw sockets and requests.
"""

from __future__ import annotations

import os
import signal
import socket
import time

import psutil
import pytest
import requests

from services.httpbin.server import MAX_BODY
from tests.services.httpbin.conftest import HOST

GIB = 1 << 30


def _post_head(path: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: lab\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def _offer(port: int, path: str, length: int, body_bytes: int) -> bytes:
    """Send a request that declares ``length`` bytes and then ``body_bytes`` of them (as
    many as the server takes); everything the server answered."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(_post_head(path, length))
        chunk = bytes(64 * 1024)
        try:
            for _ in range(body_bytes // len(chunk)):
                sock.sendall(chunk)
        except OSError:  # the server answered and closed: the kernel resets the rest
            pass
        answer = b""
        try:
            while part := sock.recv(65536):
                answer += part
        except OSError:
            pass
        return answer


@pytest.mark.parametrize("path", ["/post", "/anything/x", "/lab/record", "/lab/heartbeat"])
def test_a_declared_gigabyte_is_refused_with_413_and_never_read(httpbin, path):
    process = psutil.Process(httpbin.proc.pid)
    rss_before = process.memory_info().rss
    answer = _offer(httpbin.port, path, GIB, body_bytes=64 * 1024 * 1024)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"Connection: close" in head and b"Content-Type: application/json" in head
    assert body.strip() == (
        b'{"error": "request body too large: 1073741824 bytes, at most %d", "status": 413}'
        % MAX_BODY
    )
    time.sleep(0.2)
    grown = process.memory_info().rss - rss_before
    assert grown < 16 * 1024 * 1024, f"httpbin grew by {grown / 2**20:.0f} MiB"
    assert requests.get(httpbin.url + "/get", timeout=5).ok  # still serving


def test_a_body_at_the_cap_is_still_served(httpbin):
    data = b"x" * MAX_BODY
    response = requests.post(httpbin.url + "/post", data=data, timeout=30)
    assert response.status_code == 200 and len(response.json()["data"]) == MAX_BODY
    over = requests.post(httpbin.url + "/post", data=data + b"x", timeout=30)
    assert over.status_code == 413 and over.json()["status"] == 413


def test_the_heartbeat_answers_and_is_never_recorded(httpbin):
    before = requests.get(httpbin.url + "/lab/record", timeout=5).json()["next"]
    since = time.time()
    response = requests.get(httpbin.url + "/lab/heartbeat", params={"since": since}, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"since", "now", "gap", "started", "interval", "pid"}
    assert body["since"] == since and body["pid"] == httpbin.proc.pid
    assert body["started"] < since <= body["now"] and 0 <= body["gap"] < 0.5
    bad = requests.get(httpbin.url + "/lab/heartbeat", params={"since": "later"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["status"] == 400
    assert requests.post(httpbin.url + "/lab/heartbeat", timeout=5).status_code == 405
    entries = requests.get(httpbin.url + "/lab/record", params={"since": before}, timeout=5)
    assert entries.json()["entries"] == []  # the grader's reads look like no traffic


def test_a_stop_shows_as_a_gap(httpbin):
    since = time.time()
    os.kill(httpbin.proc.pid, signal.SIGSTOP)
    try:
        time.sleep(1.0)
    finally:
        os.kill(httpbin.proc.pid, signal.SIGCONT)
    body = requests.get(httpbin.url + "/lab/heartbeat", params={"since": since}, timeout=5).json()
    assert 0.9 <= body["gap"] < 5, body
    later = requests.get(httpbin.url + "/lab/heartbeat", params={"since": time.time()}, timeout=5)
    assert later.json()["gap"] < 0.5
