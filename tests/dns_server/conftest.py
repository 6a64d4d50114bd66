"""A real DNS server process on free ports, and helpers to query it with dnslib.

Set ``LAB_SERVICE_PYTHON`` to run the server under another interpreter, e.g. one with
Debian bookworm's gevent 22.10 / dnslib 0.9.23, to check the code the Docker image runs.
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from dnslib import DNSRecord

from lab.config import REPO_ROOT
from lab.net import free_port, free_tcp_udp_port

SERVICE_PYTHON = os.environ.get("LAB_SERVICE_PYTHON") or sys.executable
HOST = "127.0.0.1"


@dataclass
class DNSService:
    proc: subprocess.Popen
    port: int
    control_port: int
    log: Path

    @property
    def control_url(self) -> str:
        return f"http://{HOST}:{self.control_port}"

    def query(self, name: str, qtype: str = "A", tcp: bool = False, timeout: float = 3.0) -> DNSRecord:
        """Ask the server one question; the parsed reply."""
        wire = DNSRecord.question(name, qtype).send(HOST, self.port, tcp=tcp, timeout=timeout)
        return DNSRecord.parse(wire)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_dns(log_dir: Path, *extra: str) -> DNSService:
    """Start ``python -m services.dns`` on free ports and wait for its "listening" line."""
    port, control_port = free_tcp_udp_port(HOST), free_port(HOST)
    log = log_dir / f"dns-{port}.log"
    cmd = [SERVICE_PYTHON, "-m", "services.dns", "--host", HOST, "--port", str(port),
           "--control-port", str(control_port), *extra]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    service = DNSService(proc, port, control_port, log)
    deadline = time.monotonic() + 20
    while "listening" not in service.log_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            service.stop()
            pytest.fail(f"DNS server did not start: {cmd}\n{service.log_text()}")
        time.sleep(0.05)
    return service


@pytest.fixture(scope="module")
def dns(tmp_path_factory) -> DNSService:
    """One DNS server for the whole test module (delay 0 unless a test changes it)."""
    service = start_dns(tmp_path_factory.mktemp("dns"))
    yield service
    service.stop()


def tcp_frame(packet: bytes) -> bytes:
    """A DNS message as sent over TCP: 2-byte big-endian length, then the message."""
    return struct.pack("!H", len(packet)) + packet


def read_frame(sock: socket.socket) -> bytes:
    """One length-prefixed DNS message from a TCP socket."""
    (length,) = struct.unpack("!H", _read_exactly(sock, 2))
    return _read_exactly(sock, length)


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data
