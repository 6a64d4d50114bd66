"""The DNS server's control API: JSON over HTTP, a plain WSGI app served by gevent's pywsgi.

    GET  /health          -> {"status": "ok"}
    GET  /delay           -> {"delay_ms": N}
    PUT  /delay (or POST) with {"delay_ms": N} -> 200 {"delay_ms": N}
    GET  /zone            -> {"names": {name: {"A": [...], "AAAA": [...]}}}

Bad input gets 400 ``{"error": "..."}``, an unknown path 404, a wrong method 405, all JSON.
No web framework: four routes do not need one, and this runs in the Debian image as is.
"""

import json

from .delay import parse_delay_ms

MAX_BODY = 64 * 1024

_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Payload Too Large",
}


class HTTPError(Exception):
    def __init__(self, status, message, allow=None):
        super().__init__(message)
        self.status = status
        self.allow = allow


class ControlApp:
    """WSGI app that reads and changes ``delay`` (a ``Delay``) and lists ``zone``."""

    def __init__(self, delay, zone):
        self.delay = delay
        self.zone = zone
        self.routes = {
            "/health": {"GET": self.health},
            "/delay": {"GET": self.get_delay, "PUT": self.set_delay, "POST": self.set_delay},
            "/zone": {"GET": self.list_zone},
        }

    def __call__(self, environ, start_response):
        try:
            status, body = self.dispatch(environ)
            headers = []
        except HTTPError as e:
            status, body = e.status, {"error": str(e)}
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
