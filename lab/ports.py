"""Is a port free, and if not, which process holds it?

The holder is found the way ``ss -p`` does it: the socket's inode from ``/proc/net/*``,
then the process whose ``/proc/<pid>/fd`` links to ``socket:[inode]``. Without /proc (or
without permission to read other users' fds) it falls back to ``ss -ltnup``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lab.config import Binding
from lab.errors import LabError
from lab.i18n import t
from lab.net import free_port

TCP_LISTEN = "0A"  # socket state in /proc/net/tcp


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
    inodes = _socket_inodes(port, proto)
    if inodes:
        found = _process_with_socket(inodes)
        if found:
            return found
    return _holder_from_ss(port, proto)


def listening(port: int, proto: str = "tcp") -> bool:
    """True if /proc shows a socket listening (tcp) or bound (udp) on ``port``, any address."""
    return bool(_socket_inodes(port, proto))


def _socket_inodes(port: int, proto: str) -> set[str]:
    inodes = set()
    for name in (proto, proto + "6"):
        try:
            lines = Path("/proc/net", name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if int(local.rsplit(":", 1)[1], 16) != port or inode == "0":
                continue
            if proto == "tcp" and state != TCP_LISTEN:
                continue
            inodes.add(inode)
    return inodes


def _process_with_socket(inodes: set[str]) -> Holder | None:
    targets = {f"socket:[{i}]" for i in inodes}
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            fds = list((pid_dir / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in targets:
                    return Holder(int(pid_dir.name), command_of(int(pid_dir.name)))
            except OSError:
                continue
    return None


def _holder_from_ss(port: int, proto: str) -> Holder | None:
    ss = shutil.which("ss")
    if not ss:
        return None
    flag = "-ltnp" if proto == "tcp" else "-lunp"
    try:
        out = subprocess.run(
            [ss, flag, f"sport = :{port}"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'users:\(\("([^"]+)",pid=(\d+)', out)
    if m:
        return Holder(int(m.group(2)), m.group(1))
    if len(out.strip().splitlines()) > 1:
        return Holder(0, "a process we may not inspect (another user's?)")
    return None


def command_of(pid: int) -> str:
    """A process's command line as one string ("" if it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)


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
