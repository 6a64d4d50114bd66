"""The sockets a process holds, seen from outside: what it is connected to, and how many
bytes have arrived on each that it has not read yet.

The grader looks at the learner's process the moment its call returned (while it waits for
the grader's word, lab.grading.inside.channel): a connection to the lab with an answer
nobody read, or one still waiting for its answer, means work was left running.

psutil lists a process's connections but not their queues, so this reads ``/proc/PID/fd``
(which sockets are the process's) and ``/proc/PID/net/{tcp,tcp6,udp,udp6}`` (their
addresses, state and receive queue) itself. Linux only; elsewhere: no sockets.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

_TABLES = (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6), ("udp", socket.AF_INET),
           ("udp6", socket.AF_INET6))  # fmt: skip
_TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "06": "TIME_WAIT", "07": "CLOSE",
               "08": "CLOSE_WAIT", "0A": "LISTEN"}  # fmt: skip


@dataclass(frozen=True)
class Sock:
    """One socket of the process."""

    proto: str  # "tcp" or "udp"
    local: tuple[str, int]
    remote: tuple[str, int]  # ("0.0.0.0", 0) when not connected
    state: str  # TCP state name, "UDP" for UDP
    unread: int  # bytes received and not read yet (the receive queue)

    def __str__(self) -> str:
        return f"{self.proto} {_show(self.local)} -> {_show(self.remote)}"


def _show(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _inodes(pid: int) -> set[str]:
    """The inodes of the sockets among ``pid``'s open files."""
    found: set[str] = set()
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _address(text: str, family: int) -> tuple[str, int]:
    """``0100007F:1F90`` (the kernel's hex, host byte order per 32-bit word) -> address."""
    host, _, port = text.partition(":")
    raw = bytes.fromhex(host)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(family, words), int(port, 16)


def held(pid: int) -> list[Sock]:
    """The TCP and UDP sockets ``pid`` has open (none if it is gone)."""
    inodes = _inodes(pid)
    socks: list[Sock] = []
    if not inodes:
        return socks
    for table, family in _TABLES:
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[9] not in inodes:
                continue
            proto = table.rstrip("6")
            state = "UDP" if proto == "udp" else _TCP_STATES.get(fields[3], fields[3])
            unread = int(fields[4].partition(":")[2], 16)
            socks.append(
                Sock(proto, _address(fields[1], family), _address(fields[2], family), state, unread)
            )
    return socks
