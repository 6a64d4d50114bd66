"""One client connection through a proxy: an upstream pipe and a downstream pipe.

Each pipe has a reader greenlet and a writer greenlet with a small queue between them. The
reader stamps every chunk with the time it was read; the writer sends it through the
proxy's *current* toxic chain for that direction (looked up per chunk, so toxics added to
a live connection take effect at once). With no toxic and nothing queued, the reader
writes straight through: the proxy then costs one recv and one send per chunk.
"""

from __future__ import annotations

import socket
import struct
import time

import gevent
from gevent import socket as gsocket
from gevent.queue import Queue

from .address import split_host_port
from .connections import MAX_EXCHANGES
from .toxics import CloseLink

SMALL_BUFFER = 16 * 1024  # most connections carry little: keep them cheap to start
BUFFER_SIZE = 256 * 1024  # bulk streams: throughput is bound by syscalls per byte
QUEUE_CHUNKS = 64  # chunks a slow toxic may hold before the reader stops reading
CONNECT_TIMEOUT = 10.0
_EOF = None


def connect(address: str, bound=None):
    """A connected gevent socket; numeric addresses skip the resolver (no thread hop).

    ``bound(local_address)`` is called once the socket has its local port: for a numeric
    address before it connects (the address is then the wildcard's: the upstream server can
    ask whose that port is as soon as it accepts) and again once connected."""
    host, port = split_host_port(address)
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        sock = gsocket.socket(family, socket.SOCK_STREAM)
        try:  # no timeout, like Go's net.Dial: the kernel gives up on its own
            if bound is not None:
                sock.bind(("0.0.0.0" if family == socket.AF_INET else "::", 0))
                bound(sock.getsockname())
            sock.connect((host, port))
            if bound is not None:
                bound(sock.getsockname())
        except BaseException:
            sock.close()
            raise
        return sock
    sock = gsocket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    sock.settimeout(None)
    if bound is not None:
        bound(sock.getsockname())
    return sock


class Pipe:
    """One direction (``upstream``: client -> server, ``downstream``: server -> client)."""

    __slots__ = ("link", "direction", "src", "dst", "queue", "writer", "pending")

    def __init__(self, link: Link, direction: str, src, dst):
        self.link = link
        self.direction = direction
        self.src = src
        self.dst = dst
        self.queue: Queue | None = None  # exists while a writer greenlet does
        self.writer = None
        self.pending = 0  # chunks queued or being written: no shortcut while > 0

    def _enqueue(self, item) -> None:
        if self.writer is None:  # most connections never need a writer greenlet
            if self.queue is None:
                self.queue = Queue(QUEUE_CHUNKS)
            self.writer = gevent.spawn(self.write_loop)
        self.pending += 1
        self.queue.put(item)

    def read_loop(self) -> None:
        """Read until EOF. Small reads use ``recv``: an idle connection holds no buffer
        while it waits (most of a connection's memory otherwise). After a read that fills
        SMALL_BUFFER, bulk data: ``recv_into`` one BUFFER_SIZE buffer, no allocation."""
        proxy = self.link.proxy
        chain = proxy.chains[self.direction]
        received, sent = proxy.received, proxy.sent
        direction = self.direction
        src, dst = self.src, self.dst
        link = self.link
        asks = direction == "upstream"  # client bytes: a request (an exchange begins)
        buf: bytearray | None = None
        view = memoryview(b"")
        try:
            while True:
                if buf is None:
                    data = src.recv(SMALL_BUFFER)
                    n = len(data)
                    if not n:
                        break
                    if n == SMALL_BUFFER:  # a full read: bulk data, read bigger
                        buf = bytearray(BUFFER_SIZE)
                        view = memoryview(buf)
                    chunk = data
                else:
                    n = src.recv_into(buf)
                    if not n:
                        break
                    chunk = view[:n]
                received[direction] += n
                if asks:
                    link.began()
                if not self.pending and not chain:
                    dst.sendall(chunk)
                    sent[direction] += n
                    if not asks:
                        link.answered()
                    continue
                self._enqueue((chunk if buf is None else bytes(chunk), time.monotonic()))
        except OSError:
            self._input_ended(chain, broken=True)
            return
        self._input_ended(chain)

    def _input_ended(self, chain: list, broken: bool = False) -> None:
        """The source closed (or broke): pass the end on, after what is still queued."""
        if self.direction == "upstream":  # the client closed or reset its side
            self.link.client_left()
        if broken:
            self.link.close()
        elif self.pending or chain:
            self._enqueue(_EOF)
        else:
            self.finish(chain)

    def write_loop(self) -> None:
        """Pass queued chunks through the chain; end when the queue is empty (the next
        chunk starts a new writer), so an idle connection keeps no writer greenlet."""
        proxy = self.link.proxy
        queue = self.queue
        assert queue is not None  # made by _enqueue before it spawned this writer
        try:
            while queue.qsize():
                item = queue.get()
                try:
                    if item is _EOF:
                        self.finish(proxy.chains[self.direction])
                        return
                    data, read_at = item
                    self._through(list(proxy.chains[self.direction]), 0, data, read_at)
                except CloseLink as stop:
                    self.link.close(reset=stop.reset)
                    return
                except OSError:
                    self.link.close()
                    return
                finally:
                    self.pending -= 1
        finally:
            if self.writer is gevent.getcurrent():
                self.writer = None
                if not queue.qsize():
                    self.queue = None

    def _through(self, chain: list, index: int, data: bytes, ts: float) -> None:
        """Pass ``data`` through toxics ``chain[index:]`` that are active on this link."""
        while index < len(chain):
            toxic = chain[index]
            state = self.link.state_of(toxic)
            if state["active"]:
                nxt = index + 1
                toxic.kind.pipe(
                    toxic.attributes,
                    state,
                    data,
                    ts,
                    lambda piece, when, nxt=nxt: self._through(chain, nxt, piece, when),
                )
                return
            index += 1
        self.dst.sendall(data)
        self.link.proxy.sent[self.direction] += len(data)
        if self.direction == "downstream":
            self.link.answered()

    def finish(self, chain: list) -> None:
        """Input ended: let toxics delay the close (slow_close), then half-close."""
        for toxic in list(chain):
            state = self.link.state_of(toxic)
            if state["active"]:
                toxic.kind.on_eof(toxic.attributes, state)
        if self.link.done == 0:  # the other way still flows: half-close this one
            try:
                self.dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        self.link.pipe_done()  # else both are done: close() sends the FIN


class Link:
    """A client connection, its upstream connection, and the toxics' state for them."""

    def __init__(self, proxy, client, connections=None):
        self.proxy = proxy
        self.client = client
        self.upstream = None
        self.states: dict = {}  # Toxic -> this connection's state for it
        self.greenlets: list = []  # the two readers
        self.pipes: tuple = ()
        self.done = 0
        self.closed = False
        # The connection record (services.toxiproxy.connections), when the server keeps one
        self.connections = connections
        self.entry = connections.opened(proxy, client) if connections is not None else None
        self._unanswered = False  # the current exchange has had no answer yet
        self._listed = False  # ... and is listed in the entry (at most MAX_EXCHANGES are)

    def run(self) -> None:
        """Connect upstream, then pipe both ways (an unreachable upstream: just close).

        This greenlet goes on as the upstream reader; one more reads downstream.
        """
        bound = None
        if self.entry is not None:
            entry, connections = self.entry, self.connections
            bound = lambda address: connections.bound(entry, address)  # noqa: E731
        try:
            self.upstream = connect(self.proxy.upstream, bound)
        except (OSError, ValueError, UnicodeError):
            self.close()
            return
        if self.closed:  # the proxy stopped while we were connecting
            self.close()
            return
        for sock in (self.client, self.upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sync()
        up = Pipe(self, "upstream", self.client, self.upstream)
        down = Pipe(self, "downstream", self.upstream, self.client)
        self.pipes = (up, down)
        self.greenlets.append(gevent.getcurrent())
        self.greenlets.append(gevent.spawn(down.read_loop))
        up.read_loop()

    # -- the record of exchanges -----------------------------------------------------
    def began(self) -> None:
        """Bytes from the client: a new exchange, unless the current one is unanswered."""
        entry = self.entry
        if entry is None or self._unanswered:
            return
        self._unanswered = True
        exchanges = entry["exchanges"]
        self._listed = len(exchanges) < MAX_EXCHANGES
        if self._listed:
            exchanges.append([time.time(), None])
        else:
            entry["more_exchanges"] += 1

    def client_left(self) -> None:
        """The client closed or reset its side of the connection."""
        if self.entry is not None and self.entry["client_left"] is None:
            self.entry["client_left"] = time.time()

    def answered(self) -> None:
        """Bytes sent to the client: the current exchange's answer, so far."""
        if self.entry is None:
            return
        self._unanswered = False
        if self._listed:
            self.entry["exchanges"][-1][1] = time.time()

    # -- toxics ---------------------------------------------------------------------
    def state_of(self, toxic) -> dict:
        state = self.states.get(toxic)
        if state is None or state["version"] != toxic.version:
            self.sync()
            state = self.states.get(toxic) or {"active": False, "version": toxic.version}
        return state

    def sync(self) -> None:
        """Bring this link's toxic states in line with the proxy's chains."""
        current = self.proxy.toxics()
        for toxic in current:
            state = self.states.get(toxic)
            if state is not None and state["version"] == toxic.version:
                continue
            if state is not None and state["active"]:
                toxic.kind.detach(state, self, removed=False)
            state = dict(state or {}, version=toxic.version, active=toxic.roll())
            self.states[toxic] = state
            if state["active"] and not self.closed:
                toxic.kind.attach(toxic.attributes, state, self)
        for toxic in [t for t in self.states if t not in current]:
            state = self.states.pop(toxic)
            if state["active"]:
                toxic.kind.detach(state, self, removed=True)

    # -- ending ---------------------------------------------------------------------
    def pipe_done(self) -> None:
        self.done += 1
        if self.done == 2:
            self.close()

    def close(self, reset: bool = False) -> None:
        """Close both sockets (with RST if ``reset``) and stop this link's greenlets."""
        if self.closed:
            return
        self.closed = True
        self.proxy.links.discard(self)
        if self.entry is not None:
            self.connections.closed(self.entry)
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            if reset:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            sock.close()
        for state in self.states.values():
            timer = state.pop("timer", None)
            if timer is not None:
                timer.kill(block=False)
        current = gevent.getcurrent()
        for g in self.greenlets + [pipe.writer for pipe in self.pipes]:
            if g is not None and g is not current and not g.dead:
                g.kill(block=False)
