"""A real DNS server process on free ports, and helpers to query it with dnslib.

``LAB_SERVICE_PYTHON`` runs it under another interpreter (see tests/service_process.py).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest
from dnslib import DNSRecord

from lab.net import free_port, free_tcp_udp_port
from tests.service_process import HOST, SERVICE_PYTHON, ServiceProcess, start_service  # noqa: F401


@dataclass
class DNSService:
    """The DNS server's process and ports."""

    process: ServiceProcess
    port: int
    control_port: int

    @property
    def proc(self):
        return self.process.proc

    @property
    def control_url(self) -> str:
        return f"http://{HOST}:{self.control_port}"

    def query(
        self, name: str, qtype: str = "A", tcp: bool = False, timeout: float = 3.0
    ) -> DNSRecord:
        """Ask the server one question; the parsed reply."""
        wire = DNSRecord.question(name, qtype).send(HOST, self.port, tcp=tcp, timeout=timeout)
        return DNSRecord.parse(wire)

    def log_text(self) -> str:
        return self.process.log_text()

    def stop(self) -> int:
        return self.process.stop()


def start_dns(log_dir: Path, *extra: str) -> DNSService:
    """Start ``python -m services.dns`` on free ports and wait for its "listening" line."""
    port, control_port = free_tcp_udp_port(HOST), free_port(HOST)
    args = ["--host", HOST, "--port", str(port), "--control-port", str(control_port), *extra]
    process = start_service("services.dns", args, log_dir / f"dns-{port}.log", timeout=20)
    return DNSService(process, port, control_port)


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
