"""Small real upstream servers for the proxy to sit in front of (threads, blocking sockets)."""

from __future__ import annotations

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        try:
            while data := sock.recv(65536):
                sock.sendall(data)
        except OSError:
            pass


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 drops SYNs when the proxy connects in bulk
    allow_reuse_address = True
    block_on_close = False


class Upstream:
    """A server on a free 127.0.0.1 port, served from a thread; a context manager."""

    def __init__(self, server: socketserver.BaseServer):
        self.server = server
        self.port = server.server_address[1]
        self.address = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Upstream:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def echo_server() -> Upstream:
    """Echoes every byte back: data sent upstream comes back downstream."""
    return Upstream(_Threaded(("127.0.0.1", 0), _Echo))


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _HTTP(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    block_on_close = False


def http_server() -> Upstream:
    """An HTTP/1.1 server that keeps connections alive and answers ``hello``."""
    return Upstream(_HTTP(("127.0.0.1", 0), _Hello))


def connect(address: str, timeout: float = 5.0) -> socket.socket:
    host, _, port = address.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
