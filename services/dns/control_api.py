"""The DNS server's control API: JSON over HTTP, a plain WSGI app served by gevent's pywsgi.

    GET  /health          -> {"status": "ok"}
    GET  /delay           -> {"delay_ms": N}
    PUT  /delay (or POST) with {"delay_ms": N} -> 200 {"delay_ms": N}
    GET  /zone            -> {"names": {name: {"A": [...], "AAAA": [...]}}}
    GET  /record?since=SEQ[&limit=N] -> the queries answered (below)
    GET  /lab/heartbeat?since=T -> the server's liveness record (format in services/serve.py)

Errors are JSON ``{"error": "...", "status": N}``: bad input 400, an unknown path 404, a wrong
method 405, a body over 64 KiB 413. Like Toxiproxy's API, it refuses what a web page could
make a browser send: a ``User-Agent`` starting with ``Mozilla/`` gets 403 ``User agent not
allowed``; a PUT or POST whose ``Origin`` is not the API's own (``http://`` + the ``Host``
header, when that names a loopback address or localhost) gets 403, and one whose
``Content-Type`` is not ``application/json`` gets 415. No web framework: a few routes do not
need one, and this runs in the Debian image as is.

The record: every DNS query the server answered, in the order the answers were sent, except
packets it dropped (too short to answer, or replies). One entry::

    {"seq": 7, "transport": "tcp", "conn": 3, "peer": "127.0.0.1:40112", "id": 51012,
     "qname": "httpbin.lab.test.", "qtype": "A", "rcode": "NOERROR",
     "arrival": 1764118800.120113, "sent": 1764118800.420876}

``transport`` is ``udp`` or ``tcp``; ``conn`` numbers TCP connections (null for UDP);
``peer`` is the client's ``ip:port``; ``id`` the DNS message id. ``qname`` (with its final
dot) and ``qtype`` are null when the query could not be parsed (``rcode`` is then
``FORMERR``). ``arrival`` is ``time.time()`` when the whole query had been received,
``sent`` when its answer had been handed to the kernel after the delay (null if sending
failed: the client had gone; read just after sending, so the client may have its answer
a moment earlier). The answer to ``GET /record?since=SEQ`` is the same as
httpbin's ``/lab/record`` (see ``services/httpbin/record.py``): ``{"next", "dropped",
"first", "capacity", "instance", "entries"}``, ``dropped`` counting entries from ``since`` on
that the bounded ring (``--record-size``) evicted. Nothing deletes or rewrites the record.
"""

import json
from urllib.parse import urlsplit

from services.serve import HEARTBEAT_PATH, Heartbeat, Record, RecordQueryError, heartbeat_answer

from .delay import parse_delay_ms

MAX_BODY = 64 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
STATE_CHANGING = ("PUT", "POST", "PATCH", "DELETE")

_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Payload Too Large",
    415: "415 Unsupported Media Type",
}


class HTTPError(Exception):
    def __init__(self, status, message, allow=None):
        super().__init__(message)
        self.status = status
        self.allow = allow


class ControlApp:
    """WSGI app that reads and changes ``delay`` (a ``Delay``), lists ``zone``, reads
    ``record`` (a ``services.serve.Record``) and ``heartbeat`` (a ``services.serve.Heartbeat``)."""

    def __init__(self, delay, zone, record=None, heartbeat=None):
        self.delay = delay
        self.zone = zone
        self.record = record if record is not None else Record()
        self.heartbeat = heartbeat if heartbeat is not None else Heartbeat()
        self.routes = {
            "/health": {"GET": self.health},
            "/delay": {"GET": self.get_delay, "PUT": self.set_delay, "POST": self.set_delay},
            "/zone": {"GET": self.list_zone},
            "/record": {"GET": self.read_record},
            HEARTBEAT_PATH: {"GET": self.read_heartbeat},
        }

    def __call__(self, environ, start_response):
        try:
            refuse_cross_site(environ)
            status, body = self.dispatch(environ)
            headers = []
        except HTTPError as e:
            status, body = e.status, {"error": str(e), "status": e.status}
            headers = [("Allow", e.allow)] if e.allow else []
        data = (json.dumps(body) + "\n").encode("utf-8")
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(_REASONS[status], headers)
        return [data]

    def dispatch(self, environ):
        path = environ.get("PATH_INFO", "") or "/"
        if len(path) > 1:
            path = path.rstrip("/")
        methods = self.routes.get(path)
        if methods is None:
            raise HTTPError(404, "no such endpoint: %s" % path)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "HEAD":
            method = "GET"
        handler = methods.get(method)
        if handler is None:
            allow = ", ".join(sorted(methods))
            raise HTTPError(
                405, "%s %s is not allowed (allowed: %s)" % (method, path, allow), allow
            )
        if method in ("PUT", "POST"):
            _require_json_content_type(environ)
        return 200, handler(environ)

    # -- routes ------------------------------------------------------------------------------
    def health(self, environ):
        return {"status": "ok"}

    def get_delay(self, environ):
        return {"delay_ms": self.delay.ms}

    def set_delay(self, environ):
        body = _read_json(environ)
        if not isinstance(body, dict) or "delay_ms" not in body:
            raise HTTPError(400, 'expected a JSON object like {"delay_ms": 300}')
        try:
            self.delay.ms = parse_delay_ms(body["delay_ms"])
        except ValueError as e:
            raise HTTPError(400, str(e)) from None
        return {"delay_ms": self.delay.ms}

    def list_zone(self, environ):
        return {"names": self.zone.addresses()}

    def read_record(self, environ):
        try:
            return self.record.read_query(environ.get("QUERY_STRING", ""))
        except RecordQueryError as e:
            raise HTTPError(400, str(e)) from None

    def read_heartbeat(self, environ):
        status, body = heartbeat_answer(self.heartbeat, environ.get("QUERY_STRING", ""))
        if status != 200:
            raise HTTPError(status, body["error"])
        return body


def refuse_cross_site(environ):
    """HTTPError 403 for what a web page could make a browser send (see the docstring)."""
    if environ.get("HTTP_USER_AGENT", "").startswith("Mozilla/"):
        raise HTTPError(403, "User agent not allowed")
    if environ.get("REQUEST_METHOD") not in STATE_CHANGING:
        return
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and not _own_origin(origin, environ.get("HTTP_HOST", "")):
        raise HTTPError(403, "Origin not allowed: %s" % origin[:100])


def _require_json_content_type(environ):
    """HTTPError 415 unless the body is declared JSON: a page's form or ``fetch`` without
    a CORS preflight can only send text/plain, form data or multipart."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPError(415, "Content-Type must be application/json")


def _own_origin(origin, host):
    """True if ``origin`` is ``http://<host>`` and ``host`` names this machine's loopback
    (not a name a DNS-rebinding page could have pointed at it)."""
    if not host or origin.lower() != "http://" + host.lower():
        return False
    try:
        hostname = urlsplit("http://" + host).hostname
    except ValueError:
        return False
    return hostname in LOOPBACK_HOSTS or (hostname or "").startswith("127.")


def _read_json(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HTTPError(400, "bad Content-Length") from None
    if length > MAX_BODY:
        raise HTTPError(413, "body larger than %d bytes" % MAX_BODY)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(400, "body is not valid JSON") from None
