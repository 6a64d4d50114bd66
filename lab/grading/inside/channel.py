"""The grader's own line from the learner's process back to the grader, timed by the grader.

The runner sends events (the learner's call began or ended, a unit of work started or
finished, the final result) as JSON lines on a pipe the grader opened; the grader stamps each
line with its *own* clock as it arrives. Elapsed times and timelines therefore come from the
grader's process: replacing ``time.perf_counter`` (or any clock) in the learner's process
changes nothing.

Nothing about the pipe is in the learner's argv or environment: the grader hands its file
descriptor and a random token over stdin, which the runner reads to the end before the
learner's module is imported. Lines without the token are ignored. (Code in the same
process can always find a descriptor it is determined to find; what it cannot forge is what
the lab's servers saw, which the checks compare against. See the README.)

Runner side: ``connect(fd, token)`` once, then ``send(event, **data)``.
Grader side: ``Listener`` reads the pipe in a thread; ``events`` is a list of ``Event``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

# The runner imports this module before the learner's (which may monkey-patch): only modules
# gevent does not patch are imported at the top; ``threading`` only on the grader's side.

_send = None  # set by connect(): a closure holding the descriptor and the token


def connect(fd: int, token: str) -> None:
    """Runner side: events from now on go to ``fd``, signed with ``token``."""
    global _send

    def send(event: str, data: dict[str, Any]) -> None:
        line = json.dumps({"k": token, "e": event, **data}, separators=(",", ":")) + "\n"
        payload = line.encode()
        while payload:  # one os.write is atomic up to PIPE_BUF; results can be longer
            payload = payload[os.write(fd, payload) :]

    _send = send


def send(event: str, **data: Any) -> None:
    """Send one event (no-op outside a grading run, e.g. a check imported by a test)."""
    if _send is not None:
        _send(event, data)


@dataclass
class Event:
    """One line from the runner, stamped with the grader's clock on arrival."""

    at: float  # time.monotonic() in the grader's process
    name: str
    data: dict[str, Any]


@dataclass
class Listener:
    """Grader side: the read end of the pipe, read by a thread until the writer closes it."""

    fd: int
    token: str
    events: list[Event] = field(default_factory=list)
    _thread: Any = None

    def start(self) -> None:
        import threading

        self._thread = threading.Thread(target=self._read, name="grader-channel", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with os.fdopen(self.fd, "rb", buffering=0) as pipe:
            pending = b""
            while chunk := pipe.read(65536):
                at = time.monotonic()
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._take(at, line)

    def _take(self, at: float, line: bytes) -> None:
        try:
            data = json.loads(line)
        except ValueError:
            return
        if isinstance(data, dict) and data.pop("k", None) == self.token:
            self.events.append(Event(at, str(data.pop("e", "")), data))

    def join(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def first(self, name: str) -> Event | None:
        return next((e for e in self.events if e.name == name), None)
