"""gevent's WSGI server with TCP_NODELAY, for every HTTP service of the lab.

pywsgi writes a response's headers and body in separate sends. With Nagle's algorithm on,
the body waits for the ACK of the headers, which the client delays by up to 40 ms: every
keep-alive request would cost ~44 ms more than it should (measured on httpbin: 44 ms per
request on a requests.Session, 1.8 ms with this). Go's net/http, which Toxiproxy is written
in, sets TCP_NODELAY on every connection too.
"""

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
