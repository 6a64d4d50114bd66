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
- ``conn``: a number per TCP connection, shared by the keep-alive requests it carried.
- ``peer``: the client's ``ip:port`` (``[ip]:port`` for IPv6): the proxy, for proxied ones.
- ``path``: the request target as sent, query included. ``method`` and ``path`` are null for
  a request line the server could not parse (then ``status`` is pywsgi's 400 or 414).
- ``arrival``: ``time.time()`` when the request line had arrived; ``complete``: after the
  last byte of the response was written to the socket (a client that left early: when the
  server gave up). ``bytes``: body bytes written.

A request appears once it is complete: read the record after the run being judged has
ended. ``complete`` is read just after the last send returned, so a client may already have
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

from services.serve import RecordQueryError
from services.wsgi import NoDelayWSGIServer

RECORD_PATH = "/lab/record"
HEALTH_PATH = "/lab/health"  # for container healthchecks: answered, never recorded
UNRECORDED = (RECORD_PATH, HEALTH_PATH)

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
    """

    connection_id = 0
    arrival = None

    def handle(self):
        self.connection_id = next(_connection_ids)
        super().handle()

    def read_requestline(self):
        line = super().read_requestline()
        self.arrival = time.time()
        self.command = self.path = None  # not left over from the previous keep-alive request
        return line

    def log_request(self):
        complete = self.time_finish or time.time()
        super().log_request()
        recorder = getattr(self.server, "record", None)
        if recorder is None or self.arrival is None:
            return
        path = self.path
        if path is not None and unquote(urlsplit(path).path) in UNRECORDED:
            return
        recorder.add(
            listener=self.server.label,
            conn=self.connection_id,
            peer=format_peer(self.client_address),
            method=self.command,
            path=path,
            status=_status_code(self.status),
            bytes=self.response_length or 0,
            arrival=self.arrival,
            complete=complete,
        )


class RecordingWSGIServer(NoDelayWSGIServer):
    """A pywsgi server that records each request into ``record`` under its ``label``."""

    handler_class = RecordingHandler

    def __init__(self, listener, application, record, label, **kwargs):
        super().__init__(listener, application, **kwargs)
        self.record = record
        self.label = label


class RecordApp:
    """WSGI middleware: ``GET /lab/record`` reads ``record``, ``GET /lab/health`` answers ok,
    every other path goes to ``app``."""

    def __init__(self, app, record):
        self.app = app
        self.record = record

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path not in UNRECORDED:
            return self.app(environ, start_response)
        headers = [("Cache-Control", "no-store")]
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
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
            {200: "200 OK", 400: "400 Bad Request", 405: "405 Method Not Allowed"}[status],
            headers,
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [data]
