"""What every HTTP service of the lab shares: gevent's WSGI server with TCP_NODELAY, and a cap
on request bodies.

pywsgi writes a response's headers and body in separate sends. With Nagle's algorithm on,
the body waits for the ACK of the headers, which the client delays by up to 40 ms: every
keep-alive request would cost ~44 ms more than it should (measured on httpbin: 44 ms per
request on a requests.Session, 1.8 ms with this). Go's net/http, which Toxiproxy is written
in, sets TCP_NODELAY on every connection too.

``BodyLimit`` answers a request that declares a body larger than its cap with a 413 JSON
error before anything reads the body (httpbin would hold a 1 GiB body in memory several
times over), and closes the connection without reading the rest.
"""

import json
import socket

from gevent.pywsgi import WSGIServer


class NoDelayWSGIServer(WSGIServer):
    """A ``gevent.pywsgi.WSGIServer`` whose connections send small writes at once."""

    def handle(self, sock, address):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a Unix socket): nothing to tune
            pass
        super().handle(sock, address)


def leave_body_unread(environ):
    """Keep pywsgi from reading (and dropping) the rest of the request body after the
    response, as it does before the next keep-alive request: the connection closes instead
    (answer with ``Connection: close``)."""
    stream = environ.get("wsgi.input")
    try:
        stream.chunked_input = False
        stream.position = stream.content_length = 0
    except AttributeError:  # not pywsgi's Input: nothing to stop
        pass


class BodyLimit:
    """WSGI middleware: a ``Content-Length`` over ``limit`` bytes is answered
    ``413 {"error": "request body too large: N bytes, at most LIMIT", "status": 413}`` with
    ``Connection: close``, before ``app`` is called or any of the body is read."""

    def __init__(self, app, limit):
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        # (more than 18 digits: too large, and int() of thousands of digits raises)
        if not (declared.isdigit() and (len(declared) > 18 or int(declared) > self.limit)):
            return self.app(environ, start_response)
        leave_body_unread(environ)
        message = "request body too large: %s bytes, at most %d" % (declared[:20], self.limit)
        data = (json.dumps({"error": message, "status": 413}) + "\n").encode("utf-8")
        start_response(
            "413 Payload Too Large",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(data))),
                ("Connection", "close"),
            ],
        )
        return [data]
