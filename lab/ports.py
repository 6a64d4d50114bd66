"""Is a port free, and if not, which process holds it?

psutil lists the machine's sockets (``ss -p`` reads the same kernel tables) and, when we
may see it, the process that holds each one: another user's process is named as such.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import psutil

from lab import processes
from lab.config import Binding
from lab.errors import LabError
from lab.i18n import t
from lab.net import free_port

SOMEONE_ELSE = "a process we may not inspect (another user's?)"


@dataclass(frozen=True)
class Holder:
    """A process holding a port (pid 0 when only its name is known)."""

    pid: int
    command: str

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid})" if self.pid else self.command


def is_free(host: str, port: int, proto: str = "tcp") -> bool:
    """True if we could bind ``host:port`` for ``proto`` ("tcp" or "udp") right now."""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, kind) as s:
        if proto == "tcp":
            # Servers set SO_REUSEADDR too: connections in TIME_WAIT must not count as "taken".
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def holder(port: int, proto: str = "tcp") -> Holder | None:
    """The process holding ``port`` (listening for tcp, bound for udp), if we can tell."""
    found = _sockets(port, proto)
    if not found:
        return None
    pid = next((c.pid for c in found if c.pid), None)
    return Holder(pid, processes.command(pid)) if pid else Holder(0, SOMEONE_ELSE)


def listening(port: int, proto: str = "tcp") -> bool:
    """True if a socket listens (tcp) or is bound (udp) on ``port``, any address."""
    return bool(_sockets(port, proto))


def _sockets(port: int, proto: str) -> list:
    """The machine's sockets on local ``port``: listening ones for tcp, every one for udp."""
    try:
        sockets = psutil.net_connections(kind=proto)
    except psutil.Error:
        return []
    return [
        c
        for c in sockets
        if c.laddr and c.laddr.port == port and (proto != "tcp" or c.status == psutil.CONN_LISTEN)
    ]


@dataclass(frozen=True)
class HeldPort:
    """A lab port that something holds: the binding and the holder ("" if unknown)."""

    env: str
    port: int
    proto: str
    holder: str


def held(bindings: list[Binding]) -> list[HeldPort]:
    """The ``bindings`` that some socket listens on (tcp) or is bound to (udp), any address."""
    return [
        HeldPort(b.env, b.port, b.proto, str(holder(b.port, b.proto) or ""))
        for b in bindings
        if listening(b.port, b.proto)
    ]


def ensure_free(host: str, wanted: list[Binding]) -> None:
    """Raise a LabError naming the first taken port of ``wanted``.

    The error says what holds the port when we can tell, and how to move the lab off it.
    """
    for b in wanted:
        port, proto, env = b.port, b.proto, b.env
        if is_free(host, port, proto):
            continue
        who = holder(port, proto)
        by = t("cli.held_by", holder=who) if who else ""
        other = (
            port + 1000
            if port + 1000 < 65536 and is_free(host, port + 1000, proto)
            else free_port(host)
        )
        raise LabError(
            t("err.port_in_use", port=port, proto=proto, host=host, env=env, by=by),
            t("err.port_in_use.hint", env=env, other=other),
        )
