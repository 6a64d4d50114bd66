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
"""

import collections
import itertools
import os
import signal
from urllib.parse import parse_qs

import gevent
import gevent.event

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_RECORD_SIZE = 20000


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
