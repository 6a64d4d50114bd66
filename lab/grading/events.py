"""The grader's end of the channel: every line from the learner's process, stamped with the
grader's clock as it arrives, then read against the protocol.

The protocol (lab.grading.inside sends it): "ready" first and once; for each span (a timed
call: "call", or a scenario's name) one "begin" then one "end"; "unit+"/"unit-" pairs with
ids used once; "blocked" and "switches" notes; one "result", last. Lines without the token
are ignored; a line with the token that breaks the protocol (a second "begin" or "result",
an "end" before its "begin", an unknown event) makes the run *tampered*: the channel's word
is then worth nothing, and the exercise fails. A learner's code can write to the pipe (it
is in the same process), but what decides a pass is what the lab's servers saw.

``Listener`` reads the pipe in a thread and calls ``on_event`` for each event as it comes
(the grader looks at the learner's process when a span ends, while the runner waits for
its word). ``read(events)`` turns the events into ``Calls``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BLOCKS = 20  # "blocked" notes kept (lab.grading.inside.watchdog sends at most 20)
KNOWN = {"ready", "begin", "end", "unit+", "unit-", "blocked", "switches", "result"}


@dataclass
class Event:
    """One line from the runner, stamped with the grader's clock on arrival."""

    at: float  # time.monotonic() in the grader's process
    name: str
    data: dict[str, Any]


@dataclass
class Listener:
    """The read end of the pipe, read by a thread until the writer closes it."""

    fd: int
    token: str
    on_event: Callable[[Event], None] | None = None
    events: list[Event] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> None:
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
            event = Event(at, str(data.pop("e", "")), data)
            self.events.append(event)
            if self.on_event is not None:
                self.on_event(event)

    def join(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


@dataclass
class Unit:
    """One call of a wrapped function, as the learner's process reported it."""

    label: str
    start: float  # grader clock
    end: float | None  # None: it never reported finishing


@dataclass
class Span:
    """One timed call: when the grader got its "begin" and "end", and its units."""

    name: str
    begin: float
    end: float | None = None
    units: list[Unit] = field(default_factory=list)

    @property
    def elapsed(self) -> float | None:
        return None if self.end is None else self.end - self.begin


@dataclass
class Calls:
    """What the channel said, read against the protocol."""

    spans: dict[str, Span] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    blocked: list[dict[str, Any]] = field(default_factory=list)
    switches: list[dict[str, Any]] = field(default_factory=list)
    forbidden: bool = False  # the no-new-process filter was installed
    tampered: str = ""  # how the protocol was broken ("" if it was not)

    @property
    def main(self) -> Span | None:
        """The span named "call" (exercises with one timed call)."""
        return self.spans.get("call")


class _Reader:
    """Applies events one by one; the first protocol break is kept as ``tampered``."""

    def __init__(self) -> None:
        self.calls = Calls()
        self.units: dict[int, Unit] = {}
        self.ready = False

    def bad(self, what: str) -> None:
        self.calls.tampered = self.calls.tampered or what

    def take(self, e: Event) -> None:
        if e.name not in KNOWN:
            return self.bad(f"unknown event {e.name!r}")
        if self.calls.result is not None:
            return self.bad(f"{e.name!r} after the result")
        if e.name == "ready":
            if self.ready:
                return self.bad("a second 'ready'")
            self.ready, self.calls.forbidden = True, e.data.get("forbidden") is True
            return None
        if not self.ready:
            return self.bad(f"{e.name!r} before 'ready'")
        getattr(self, "on_" + e.name.replace("+", "_start").replace("-", "_end"))(e)
        return None

    def on_begin(self, e: Event) -> None:
        name = str(e.data.get("span", ""))
        if name in self.calls.spans:
            return self.bad(f"a second 'begin' of {name!r}")
        if any(s.end is None for s in self.calls.spans.values()):
            return self.bad(f"'begin' of {name!r} inside another timed call")
        self.calls.spans[name] = Span(name, e.at)
        return None

    def on_end(self, e: Event) -> None:
        span = self.calls.spans.get(str(e.data.get("span", "")))
        if span is None or span.end is not None:
            return self.bad("an 'end' without its 'begin'")
        span.end = e.at
        return None

    def on_unit_start(self, e: Event) -> None:
        ident, span = e.data.get("id"), self.calls.spans.get(str(e.data.get("span", "")))
        if not isinstance(ident, int) or ident in self.units or span is None:
            return self.bad("a unit that was not the grader's")
        self.units[ident] = unit = Unit(str(e.data.get("label", "?")), e.at, None)
        span.units.append(unit)
        return None

    def on_unit_end(self, e: Event) -> None:
        unit = self.units.get(e.data.get("id"))  # type: ignore[arg-type]
        if unit is None or unit.end is not None:
            return self.bad("the end of a unit that never began")
        unit.end = e.at
        return None

    def on_blocked(self, e: Event) -> None:
        if len(self.calls.blocked) < MAX_BLOCKS:
            self.calls.blocked.append(e.data)

    def on_switches(self, e: Event) -> None:
        self.calls.switches = list(e.data.get("switches") or [])

    def on_result(self, e: Event) -> None:
        result = e.data.get("result")
        if not isinstance(result, dict):
            return self.bad("a result that is not one")
        self.calls.result = result
        return None


def read(events: list[Event]) -> Calls:
    """The events of one run as ``Calls`` (see the module docstring)."""
    reader = _Reader()
    for e in events:
        reader.take(e)
    return reader.calls
