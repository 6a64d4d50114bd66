"""What every lab service does around its handlers: serve until a signal, keep a record.

``serve_until_signal``: block until SIGTERM or SIGINT, then stop the given servers (and call
the given stop functions) in order, so that ``docker stop``, ``kill`` and Ctrl-C all end a
service cleanly with exit code 0::

    server.start()
    serve_until_signal(server)                       # stops with server.stop(timeout=1)
    serve_until_signal(api, stop=registry.stop_all)  # servers first, then the callables

``Record``: the evidence a service keeps of what it served, for the grader (which must not
trust timings measured inside the learner's process). A bounded ring of entries, each given
a sequence number (0, 1, 2, ... in the order entries were added) and read with
``read(since)``, which says how many of the entries asked for were already evicted. Nothing
deletes or rewrites an entry: the only way out is eviction by newer ones (an entry appended
while its work goes on, ``append``, is filled in until that work ends). Work that has begun
but is not yet recorded (``begin``/``end``) is listed apart, as ``pending``. Times in entries
are ``time.time()``: a grader on the host and a service in a container share the clock.

``Heartbeat``: a liveness record. A greenlet notes every ``HEARTBEAT_INTERVAL`` seconds that
the service's event loop ran; a service that was stopped (SIGSTOP), starved of CPU or stuck
in blocking code shows a *gap*. ``GET /lab/heartbeat?since=T`` (each service serves it, see
``heartbeat_answer``) says the longest gap since wall time ``T`` and when the process started
(a restart shows as a later ``started``), so a grader can tell afterwards that the lab
stalled under an exercise, even for a few seconds.
"""

import collections
import itertools
import math
import os
import signal
import time
from urllib.parse import parse_qs

import gevent
import gevent.event

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_RECORD_SIZE = 20000
HEARTBEAT_PATH = "/lab/heartbeat"
HEARTBEAT_INTERVAL = 0.1  # seconds between beats: a stall of 0.2 s already shows
HEARTBEAT_KEPT = 4096  # gaps remembered (only gaps past 1.5 intervals are kept)


def serve_until_signal(*servers, stop=(), timeout=1.0, signals=STOP_SIGNALS):
    """Block (yielding to other greenlets) until one of ``signals`` arrives, then stop.

    ``servers`` (anything with ``stop(timeout=...)``, e.g. gevent servers) are stopped in the
    order given, then ``stop`` (a callable, or a sequence of callables) is called. Returns the
    signal number received.
    """
    received = gevent.event.AsyncResult()
    handlers = [gevent.signal_handler(signum, received.set, signum) for signum in signals]
    try:
        signum = received.get()
        for server in servers:
            server.stop(timeout=timeout)
        for func in [stop] if callable(stop) else stop:
            func()
    finally:
        for handler in handlers:
            handler.cancel()
    return signum


class RecordQueryError(ValueError):
    """A bad ``since`` or ``limit`` in a record request (the HTTP layer answers 400)."""


class Record:
    """An append-only ring of at most ``capacity`` entries (dicts), numbered from 0.

    ``instance`` is random per process: a reader that sees it change knows the service was
    restarted and its sequence numbers began again at 0.
    """

    def __init__(self, capacity=DEFAULT_RECORD_SIZE):
        if capacity < 1:
            raise ValueError("a record holds at least 1 entry, got %r" % (capacity,))
        self.capacity = capacity
        self.instance = os.urandom(8).hex()
        self._entries: collections.deque[dict] = collections.deque(maxlen=capacity)
        self._next = 0
        self._pending = collections.OrderedDict()  # key -> work begun, not yet added

    def begin(self, key, **fields):
        """Note work that has begun and is not finished (a request being served): read()
        lists it under ``pending`` until ``end(key)``. At most ``capacity`` are kept (the
        oldest go first); ``pending_dropped`` in read() counts those."""
        self._pending[key] = fields
        if len(self._pending) > self.capacity:
            self._pending.popitem(last=False)
            self.pending_dropped += 1

    def end(self, key):
        self._pending.pop(key, None)

    pending_dropped = 0

    def add(self, **fields):
        """Append an entry; returns its sequence number."""
        return self.append({"seq": None, **fields})["seq"]

    def append(self, entry):
        """Append ``entry`` (a dict, given its ``seq``) and return it: the caller may go on
        filling it in (a connection that is still open), readers see its current state."""
        entry["seq"] = self._next
        self._next += 1
        self._entries.append(entry)
        return entry

    def read(self, since=0, limit=None):
        """Entries with ``seq >= since``, oldest first, at most ``limit`` of them.

        ``next`` is the ``since`` of the following read; ``dropped`` counts the entries from
        ``since`` on that were evicted before this read (0 when none were).
        """
        first = self._next - len(self._entries)
        start = min(max(since, first), self._next)
        dropped = max(0, min(first, self._next) - since)
        stop = self._next if limit is None else min(self._next, start + limit)
        entries = list(itertools.islice(self._entries, start - first, stop - first))
        return {
            "next": stop,
            "dropped": dropped,
            "first": first,
            "capacity": self.capacity,
            "instance": self.instance,
            "entries": entries,
            "pending": list(self._pending.values()),
            "pending_dropped": self.pending_dropped,
        }

    def read_query(self, query_string):
        """``read()`` with ``since`` and ``limit`` from a URL query string; RecordQueryError
        says what is wrong with them."""
        try:
            params = parse_qs(query_string or "", keep_blank_values=True, strict_parsing=False)
        except ValueError:
            raise RecordQueryError("bad query string") from None
        since = _int_param(params, "since", 0, 0)
        limit = _int_param(params, "limit", None, 1)
        return self.read(since, limit)


def _int_param(params, name, default, minimum):
    values = params.get(name)
    if not values:
        return default
    if len(values) > 1:
        raise RecordQueryError("%s given more than once" % name)
    text = values[0].strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise RecordQueryError("%s must be a whole number >= %d, got %r" % (name, minimum, text))
    value = int(text)
    if value < minimum:
        raise RecordQueryError("%s must be a whole number >= %d, got %r" % (name, minimum, text))
    return value


class Heartbeat:
    """Beats every ``interval`` seconds in a greenlet and keeps the gaps between beats that
    were longer than 1.5 intervals: the times the event loop did not run.

    Gaps are measured on the monotonic clock (it goes on while a process is stopped) and
    placed in time by the wall clock at the beat that ended them.
    """

    def __init__(self, interval=HEARTBEAT_INTERVAL, kept=HEARTBEAT_KEPT):
        self.interval = interval
        self.started = time.time()
        self._last = time.monotonic()
        self._gaps: collections.deque = collections.deque(maxlen=kept)  # (wall end, seconds)
        self._greenlet = None

    def start(self):
        if self._greenlet is None:
            self._last = time.monotonic()
            self._greenlet = gevent.spawn(self._run)
        return self

    def stop(self):
        if self._greenlet is not None:
            self._greenlet.kill(block=False)
            self._greenlet = None

    def _run(self):
        while True:
            gevent.sleep(self.interval)
            self.beat()

    def beat(self):
        now = time.monotonic()
        gap = now - self._last
        self._last = now
        if gap > 1.5 * self.interval:
            self._gaps.append((time.time(), gap))

    def longest_gap(self, since):
        """The longest time since wall time ``since`` during which the loop did not run,
        in seconds: a gap that began before ``since`` counts from ``since``. The gap still
        open (since the last beat) counts too: a request served right after a stall ends
        may run before the beat that records it."""
        wall = time.time()
        longest = min(time.monotonic() - self._last, max(0.0, wall - since))
        for ended, gap in reversed(self._gaps):
            if ended <= since:
                break
            longest = max(longest, min(gap, ended - since))
        return longest

    def answer(self, since):
        """What ``GET /lab/heartbeat?since=`` answers (see ``heartbeat_answer``)."""
        return {
            "since": since,
            "now": time.time(),
            "gap": round(self.longest_gap(since), 6),
            "started": self.started,
            "interval": self.interval,
            "pid": os.getpid(),
        }


def heartbeat_answer(heartbeat, query_string):
    """``(status, body)`` for ``GET /lab/heartbeat?since=T``, the same in every service::

        {"since": 1764118800.0, "now": 1764118805.21, "gap": 0.104,
         "started": 1764118000.53, "interval": 0.1, "pid": 4242}

    ``gap``: the longest time in seconds, from wall time ``since`` (``time.time()``) to
    ``now``, during which the service's event loop did not run (about ``interval`` or less
    when it ran all along; gaps under 1.5 intervals are not kept). ``started``: when the
    process started; a ``started`` later than ``since`` means it was restarted in between,
    and its gaps before that are unknown. ``since`` defaults to ``started``. A ``since``
    that is not a finite number is a 400 ``{"error": "...", "status": 400}``.
    """
    try:
        params = parse_qs(query_string or "", keep_blank_values=True)
        values = params.get("since") or [None]
        if len(values) > 1:
            raise ValueError("since given more than once")
        since = heartbeat.started if values[0] is None else float(values[0])
        if not math.isfinite(since):
            raise ValueError("since must be a finite number")
    except ValueError:
        message = "since must be a wall-clock time in seconds (time.time()), once"
        return 400, {"error": message, "status": 400}
    return 200, heartbeat.answer(since)
