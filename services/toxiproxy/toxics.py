"""The toxics: what each one does to the bytes of one direction of one connection.

A :class:`Toxic` is the configuration the API shows (name, type, stream, toxicity,
attributes). Its :class:`Kind` is the behaviour, shared by every toxic of that type and
stateless: per-connection state lives in a dict the link keeps for each toxic, so that
adding, changing or removing a toxic reaches connections that are already open (the link
looks the proxy's chain up again for every chunk, like Toxiproxy rebuilding its ToxicLink).

A kind's ``pipe`` takes one chunk and its read time and calls ``emit`` for what goes on
towards the next toxic (and finally the socket), possibly later, in pieces, or never.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import gevent

Emit = Callable[[bytes, float], None]


class CloseLink(Exception):
    """Raised by a toxic to end the connection (with a TCP RST when ``reset``)."""

    def __init__(self, reset: bool = False):
        super().__init__("reset" if reset else "close")
        self.reset = reset


def _sleep_until(deadline: float) -> None:
    wait = deadline - time.monotonic()
    if wait > 0:
        gevent.sleep(wait)


TIMER_GRANULARITY = 0.001  # gevent's loop (libev or libuv) sleeps no less than ~1 ms


def pause(seconds: float) -> None:
    """Sleep ``seconds`` with microsecond precision, letting other greenlets run.

    ``gevent.sleep(0.00001)`` takes a whole millisecond (the loop's timer granularity):
    the slicer's 10 µs delays would cost 100 times too much. The last millisecond of a
    wait is spent yielding to the loop (``sleep(0)``, which also polls sockets) until
    the deadline: precise, at the price of CPU while such a short wait lasts.
    """
    if seconds <= 0:
        return
    deadline = time.monotonic() + seconds
    if seconds > 2 * TIMER_GRANULARITY:
        gevent.sleep(seconds - TIMER_GRANULARITY)
    while time.monotonic() < deadline:
        gevent.sleep(0)


class Kind:
    """A toxic type. Subclasses set ``name`` and ``attributes`` and override hooks."""

    name = ""
    # attribute -> Go kind, in Toxiproxy's field order (all default to 0)
    attributes: dict[str, str] = {}
    go_name = ""  # Toxiproxy's struct, for error messages; default: class name + "Toxic"

    @property
    def go_struct(self) -> str:
        """The bare Go struct name (``LatencyToxic``)."""
        return self.go_name or f"{type(self).__name__}Toxic"

    @property
    def go_type(self) -> str:
        """The Go type as reflect prints it (``toxics.LatencyToxic``)."""
        return f"toxics.{self.go_struct}"

    def pipe(self, attrs: dict, state: dict, data: bytes, ts: float, emit: Emit) -> None:
        emit(data, ts)

    def on_eof(self, attrs: dict, state: dict) -> None:
        """The input of this direction ended; runs before the output is closed."""

    def attach(self, attrs: dict, state: dict, link) -> None:
        """The toxic became active on ``link`` (at connect time, or when added/updated)."""

    def detach(self, state: dict, link, removed: bool) -> None:
        """The toxic left ``link``: updated (``removed`` False) or deleted."""


class Noop(Kind):
    name = "noop"


class Latency(Kind):
    """Delays each chunk by latency +/- jitter ms, counted from when it was read.

    Counting from the read time (not from when this toxic got the chunk) is what lets
    chunks pipeline: a thousand connections through 200 ms all finish after ~200 ms.
    """

    name = "latency"
    attributes = {"latency": "int64", "jitter": "int64"}

    def pipe(self, attrs, state, data, ts, emit):
        delay = attrs["latency"]
        jitter = attrs["jitter"]
        if jitter > 0:
            delay += random.randrange(-jitter, jitter)
        due = ts + delay / 1000.0
        _sleep_until(due)
        emit(data, due)


class Bandwidth(Kind):
    """Passes at most ``rate`` KB/s (1 KB = 1000 bytes), in slices of 100 ms at most."""

    name = "bandwidth"
    attributes = {"rate": "int64"}

    def pipe(self, attrs, state, data, ts, emit):
        rate = attrs["rate"]
        if rate <= 0:
            emit(data, ts)
            return
        per_second = rate * 1000.0
        slice_size = max(1, rate * 100)
        # A schedule, not a sleep per chunk: the rate holds over many chunks whatever
        # the timer's granularity, and an idle pause is not "saved up" as credit.
        due = max(state.get("due", 0.0), time.monotonic())
        for start in range(0, len(data), slice_size):
            piece = data[start : start + slice_size]
            due += len(piece) / per_second
            _sleep_until(due)
            emit(piece, ts)
        state["due"] = due


def slice_points(size: int, average: int, variation: int) -> list[tuple[int, int]]:
    """Toxiproxy's slicer: halve ranges (+/- variation) until about ``average`` bytes."""
    pieces, todo = [], [(0, size)]
    while todo:
        start, end = todo.pop()
        if (end - start) - average <= variation:
            pieces.append((start, end))
            continue
        shift = random.randrange(-variation, variation) if variation > 0 else 0
        mid = min(max(start + (end - start) // 2 + shift, start + 1), end - 1)
        todo.append((mid, end))  # popped after the left half: pieces stay in order
        todo.append((start, mid))
    return pieces


class Slicer(Kind):
    """Cuts chunks into pieces of about average_size bytes, delay µs apart."""

    name = "slicer"
    attributes = {"average_size": "int", "size_variation": "int", "delay": "int"}

    def pipe(self, attrs, state, data, ts, emit):
        average = attrs["average_size"]
        if average <= 0:
            emit(data, ts)
            return
        delay = attrs["delay"] / 1e6
        for start, end in slice_points(len(data), average, max(0, attrs["size_variation"])):
            emit(data[start:end], ts)
            pause(delay)


class LimitData(Kind):
    """Lets ``bytes`` bytes through, then closes the connection."""

    name = "limit_data"
    attributes = {"bytes": "int64"}

    def pipe(self, attrs, state, data, ts, emit):
        limit = attrs["bytes"]
        sent = state.get("sent", 0)
        piece = data[: max(0, limit - sent)]
        if piece:
            emit(piece, ts)
            sent += len(piece)
            state["sent"] = sent
        if limit - sent <= 0:
            raise CloseLink()


class Timeout(Kind):
    """Drops all data; closes the connection after ``timeout`` ms (0: never).

    As in Toxiproxy, removing an active timeout toxic closes the connection too: the data
    it swallowed is gone, so the stream could not be trusted any more.
    """

    name = "timeout"
    attributes = {"timeout": "int64"}

    def pipe(self, attrs, state, data, ts, emit):
        pass  # on the floor

    def attach(self, attrs, state, link):
        if attrs["timeout"] > 0:
            state["timer"] = gevent.spawn_later(attrs["timeout"] / 1000.0, link.close)

    def detach(self, state, link, removed):
        timer = state.pop("timer", None)
        if timer is not None:
            timer.kill(block=False)
        if removed:
            link.close()


class ResetPeer(Kind):
    """When data arrives, waits ``timeout`` ms and resets the connection (TCP RST)."""

    name = "reset_peer"
    go_name = "ResetToxic"
    attributes = {"timeout": "int64"}

    def pipe(self, attrs, state, data, ts, emit):
        if attrs["timeout"] > 0:
            gevent.sleep(attrs["timeout"] / 1000.0)
        raise CloseLink(reset=True)


class SlowClose(Kind):
    """Delays the close of the connection by ``delay`` ms."""

    name = "slow_close"
    attributes = {"delay": "int64"}

    def on_eof(self, attrs, state):
        if attrs["delay"] > 0:
            gevent.sleep(attrs["delay"] / 1000.0)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Latency(),
        Bandwidth(),
        SlowClose(),
        Timeout(),
        ResetPeer(),
        Slicer(),
        LimitData(),
        Noop(),
    )
}

STREAMS = ("upstream", "downstream")


class Toxic:
    """One toxic of one proxy, as configured through the API."""

    def __init__(self, name: str, type_: str, stream: str, toxicity: float, attributes: dict):
        self.name = name
        self.type = type_
        self.kind = KINDS[type_]
        self.stream = stream  # as typed by the client (the API echoes it)
        self.direction = stream.lower()
        self.toxicity = toxicity
        self.attributes = attributes
        self.version = 0  # bumped on update: links re-attach the toxic

    def roll(self) -> bool:
        """Whether a new connection is affected (``toxicity`` is a probability)."""
        return self.toxicity >= 1 or random.random() < self.toxicity

    def to_json(self) -> dict:
        toxicity = self.toxicity
        if float(toxicity).is_integer():
            toxicity = int(toxicity)
        return {
            "attributes": dict(self.attributes),
            "name": self.name,
            "type": self.type,
            "stream": self.stream,
            "toxicity": toxicity,
        }
