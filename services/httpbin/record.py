"""httpbin's record of the requests it answered, read at ``GET /lab/record?since=SEQ``.

The grader reads it to see what the learner's code really sent, timed by the server, not by
the learner's process. Every HTTP request httpbin answers is recorded once its response is
complete (so entries are numbered in completion order), except requests to ``/lab/record``
itself and to ``/lab/health`` (``{"status": "ok"}``, for container healthchecks, whose
requests every few seconds would otherwise look like traffic around the proxy). One entry::

    {"seq": 41, "listener": "upstream", "conn": 17, "peer": "127.0.0.1:50312",
     "method": "GET", "path": "/delay/1?n=3", "status": 200, "bytes": 312,
     "arrival": 1764118800.120113, "complete": 1764118801.123571}

- ``listener``: the label of the port it came in on. ``direct`` is ``--port`` (the grader's
  own checks); ``upstream`` is ``--upstream-port``, which only the latency proxy dials. A
  request on ``direct`` while a learner's code runs bypassed the proxy.
- ``refused``: present (true) when the ``upstream`` listener answered 403 because the
  connection was not one of the latency proxy's own (``--upstream-only-from``: httpbin asks
  the proxy's ``GET /lab/upstream/<peer port>`` once per connection): someone dialed the
  port behind the proxy to skip its latency.
- ``conn``: a number per TCP connection, shared by the keep-alive requests it carried.
- ``peer``: the client's ``ip:port`` (``[ip]:port`` for IPv6): the proxy, for proxied ones.
- ``path``: the request target as sent, query included. ``method`` and ``path`` are null for
  a request line the server could not parse (then ``status`` is pywsgi's 400 or 414).
- ``arrival``: ``time.time()`` when the request line had arrived; ``complete``: after the
  last byte of the response was written to the socket (a client that left early: when the
  server gave up). ``bytes``: body bytes written.

A request appears once it is complete; until then it is listed under ``pending`` (without
``status``, ``bytes`` and ``complete``), so that a reader also sees the requests httpbin is
still working on (a ``/delay/5`` a client gave up on). Read the record after the run being
judged has ended. ``complete`` is read just after the last send returned, so a client may already have
its answer (and have read its own clock) a moment before it: compare with some slack.

The answer to ``GET /lab/record?since=SEQ[&limit=N]`` (both optional, default 0 and all)::

    {"next": 42, "dropped": 0, "first": 0, "capacity": 20000,
     "instance": "9f2c6e1d0a7b4c35", "entries": [...]}

``entries`` have ``seq >= since``, oldest first; pass ``next`` as the following ``since``.
The record keeps the newest ``capacity`` entries (``--record-size``): ``dropped`` counts the
entries at or after ``since`` that were evicted before they were read (0 if none), ``first``
is the oldest ``seq`` still held. ``instance`` changes when the server restarts. No request
changes or deletes the record (learner code could send it). A bad ``since``/``limit`` is a
400, another method a 405, both ``{"error": "...", "status": N}``.
"""

import itertools
import json
import time
from urllib.parse import unquote, urlsplit

from gevent.pywsgi import WSGIHandler

from services.serve import HEARTBEAT_PATH, RecordQueryError
from services.wsgi import NoDelayWSGIServer

RECORD_PATH = "/lab/record"
HEALTH_PATH = "/lab/health"  # for container healthchecks: answered, never recorded
# The grader reads the heartbeat while learner code runs: the record shows only that code.
UNRECORDED = (RECORD_PATH, HEALTH_PATH, HEARTBEAT_PATH)

_connection_ids = itertools.count(1)


def format_peer(address):
    """``ip:port`` (``[ip]:port`` for IPv6) of a socket address; the text of anything else."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[:2]
        return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)
    return str(address or "")


def _status_code(status):
    if isinstance(status, bytes):
        status = status.decode("latin-1")
    try:
        return int(str(status).split()[0])
    except (ValueError, IndexError):
        return None


class RecordingHandler(WSGIHandler):
    """pywsgi's handler, adding one record entry per answered request.

    One handler serves one connection (its keep-alive requests in turn). pywsgi calls
    ``log_request`` after a response has been written in full, also for the 400/414 it
    answers itself to unparsable requests, and only then: that is where an entry is added.
    From the moment its headers are read until then, a request is pending in the record.
    """

    connection_id = 0
    arrival = None
    allowed = None  # this connection may use the listener (None: not asked yet)

    def handle(self):
        self.connection_id = next(_connection_ids)
        try:
            super().handle()
        finally:
            self._record().end(self.connection_id)

    def _record(self):
        return getattr(self.server, "record", None) or _NO_RECORD

    def read_requestline(self):
        line = super().read_requestline()
        self.arrival = time.time()
        self.command = self.path = None  # not left over from the previous keep-alive request
        return line

    def get_environ(self):
        environ = super().get_environ()
        if self.allowed is None:
            self.allowed = self.server.admits(self.client_address)
        environ[REFUSED] = not self.allowed
        if not _unrecorded(self.path):
            self._record().begin(self.connection_id, **self._fields())
        return environ

    def _fields(self):
        fields = dict(
            listener=self.server.label,
            conn=self.connection_id,
            peer=format_peer(self.client_address),
            method=self.command,
            path=self.path,
            arrival=self.arrival,
        )
        if not self.allowed:
            fields["refused"] = True
        return fields

    def log_request(self):
        complete = self.time_finish or time.time()
        super().log_request()
        record = self._record()
        record.end(self.connection_id)
        if record is _NO_RECORD or self.arrival is None or _unrecorded(self.path):
            return
        record.add(
            **self._fields(),
            status=_status_code(self.status),
            bytes=self.response_length or 0,
            complete=complete,
        )


class _NoRecord:
    def begin(self, key, **fields):
        pass

    def end(self, key):
        pass


_NO_RECORD = _NoRecord()
REFUSED = "lab.refused"  # in the WSGI environ: this connection may not use this listener


def _unrecorded(path):
    return path is not None and unquote(urlsplit(path).path) in UNRECORDED


def proxy_checker(api_url, timeout=2.0):
    """``admits(peer)`` for the listener behind the proxy: True when the Toxiproxy at
    ``api_url`` says a connection of one of its proxies goes upstream from ``peer``'s port
    (``GET /lab/upstream/<port>``), False otherwise, also when it cannot be asked: only the
    proxy dials this port, so no legitimate client is ever turned away."""
    import urllib.error
    import urllib.request

    def admits(peer):
        if not isinstance(peer, tuple) or len(peer) < 2:
            return False
        url = "%s/lab/upstream/%d" % (api_url.rstrip("/"), int(peer[1]))
        try:
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                return answer.status == 200
        except (OSError, ValueError):  # 404 (HTTPError is an OSError), refused, timed out
            return False

    return admits


class RecordingWSGIServer(NoDelayWSGIServer):
    """A pywsgi server that records each request into ``record`` under its ``label``;
    ``admits(peer)``, when given, says whether a connection from ``peer`` may be served
    (else every request on it is answered 403 and recorded as refused)."""

    handler_class = RecordingHandler

    def __init__(self, listener, application, record, label, admits=None, **kwargs):
        super().__init__(listener, application, **kwargs)
        self.record = record
        self.label = label
        self._admits = admits

    def admits(self, peer):
        return self._admits is None or self._admits(peer)


class RecordApp:
    """WSGI middleware: ``GET /lab/record`` reads ``record``, ``GET /lab/health`` answers ok,
    every other path goes to ``app``."""

    def __init__(self, app, record):
        self.app = app
        self.record = record

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path not in UNRECORDED and not environ.get(REFUSED):
            return self.app(environ, start_response)
        headers = [("Cache-Control", "no-store")]
        if environ.get(REFUSED):
            status, body = (
                403,
                {
                    "error": "this port serves only the lab's latency proxy; "
                    "send requests to the proxy's port instead",
                    "status": 403,
                },
            )
            headers.append(("Connection", "close"))
        elif environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            status, body = 405, {"error": "only GET reads %s" % path, "status": 405}
            headers.append(("Allow", "GET, HEAD"))
        elif path == HEALTH_PATH:
            status, body = 200, {"status": "ok"}
        else:
            try:
                status, body = 200, self.record.read_query(environ.get("QUERY_STRING", ""))
            except RecordQueryError as e:
                status, body = 400, {"error": str(e), "status": 400}
        data = json.dumps(body).encode("utf-8")
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(
            {
                200: "200 OK",
                400: "400 Bad Request",
                403: "403 Forbidden",
                405: "405 Method Not Allowed",
            }[status],
            headers,
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [data]
