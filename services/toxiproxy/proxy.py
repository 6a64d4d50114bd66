"""A proxy: a listening socket, its upstream address, its toxics and its live links."""

from __future__ import annotations

import errno
import logging
import socket
import struct
import time

import gevent

from .address import bind, format_address, points_at, resolved_string
from .errors import TOXIC_EXISTS, TOXIC_NOT_FOUND, ApiError
from .link import Link
from .toxics import STREAMS, Toxic

log = logging.getLogger("toxiproxy.proxy")

# Live links a proxy keeps at most (-max-links): each holds two file descriptors, and a
# flood into one proxy must leave descriptors for the others and the API. The server lowers
# it to a quarter of what its open-files limit leaves (see server.max_links_for).
DEFAULT_MAX_LINKS = 4096
ACCEPT_BATCH = 32  # accepts in a row before yielding: a burst must not hold up the rest
OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
MAX_BACKOFF = 1.0  # seconds between accept attempts while out of file descriptors
LOG_EVERY = 5.0  # seconds between two warnings of the same kind for one proxy


class Proxy:
    """One named proxy. ``listen`` shows the bound address once it has started."""

    def __init__(
        self,
        name: str,
        listen: str,
        upstream: str,
        empty_host: str = "",
        connections=None,
        *,
        max_links: int = DEFAULT_MAX_LINKS,
    ):
        self.name = name
        self.connections = connections  # the server's record of client connections
        self.empty_host = empty_host  # what an empty listen host binds ("": wildcard)
        self.listen = listen
        self.upstream = upstream
        self.enabled = False
        # Mutated in place only: pipes hold references to these lists.
        self.chains: dict[str, list[Toxic]] = {stream: [] for stream in STREAMS}
        self.links: set[Link] = set()
        self.received = {stream: 0 for stream in STREAMS}  # bytes, for /metrics
        self.sent = {stream: 0 for stream in STREAMS}
        self.max_links = max_links
        self.refused = 0  # connections closed at once: max_links were live
        self._warned: dict[str, float] = {}  # kind of warning -> when it was last logged
        self._listener = None
        self._acceptor = None

    # -- listening ------------------------------------------------------------------
    def start(self) -> None:
        """Bind and accept (no-op if running); ApiError 500 if the address is unusable."""
        if self.enabled:
            return
        listener = bind(self.listen, self.empty_host)
        if points_at(self.upstream, listener.getsockname()):
            listener.close()
            raise ApiError(f"upstream {self.upstream} is this proxy's own listen address", 400)
        self._listener = listener
        self.listen = format_address(listener.getsockname())
        self._acceptor = gevent.spawn(self._accept_loop, self._listener)
        self.enabled = True
        log.info("proxy %s listening on %s, upstream %s", self.name, self.listen, self.upstream)

    def stop(self) -> None:
        """Stop listening and drop every live connection."""
        if self._acceptor is not None:
            # Kill it first and wait: gevent defers closing a socket that a greenlet is
            # waiting on, and the port must be free when the API answers (or rebinds it).
            self._acceptor.kill(block=True, timeout=1)
            self._acceptor = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for link in list(self.links):
            link.close()
        self.enabled = False

    def _accept_loop(self, listener) -> None:
        """Accept until stop(). Past ``max_links`` live links a new connection is closed at
        once (counted in ``refused``). Out of file descriptors, wait longer each time (up to
        MAX_BACKOFF) instead of spinning; yield every ACCEPT_BATCH accepts."""
        backoff = 0.0
        accepted = 0
        while True:
            try:
                client, _ = listener.accept()
            except OSError as err:
                if listener.fileno() < 0:
                    return  # closed by stop()
                backoff = self._accept_failed(err, backoff)
                continue
            backoff = 0.0
            if len(self.links) >= self.max_links:
                self._refuse(client)
            else:
                link = Link(self, client, self.connections)
                self.links.add(link)
                gevent.spawn(link.run)
            accepted += 1
            if accepted % ACCEPT_BATCH == 0:
                gevent.sleep(0)

    def _accept_failed(self, err: OSError, backoff: float) -> float:
        """Wait after a failed accept; returns the next wait. Out of resources (EMFILE...),
        the connection stays queued and every retry would fail alike: back off."""
        if err.errno in OUT_OF_RESOURCES:
            backoff = min(MAX_BACKOFF, max(0.01, backoff * 2))
            self._warn("accept", "accept failed: %s (%d links open)", err, len(self.links))
        else:  # the client gave up before we accepted (ECONNABORTED...): go on
            backoff = 0.0
        gevent.sleep(backoff)
        return backoff

    def _refuse(self, client) -> None:
        """Close a connection past ``max_links`` at once, with a reset: no TIME_WAIT here."""
        self.refused += 1
        try:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        client.close()
        self._warn(
            "refused", "%d links live: connection refused (%d so far)", self.max_links, self.refused
        )

    def _warn(self, kind: str, message: str, *args) -> None:
        """Log a warning at most every LOG_EVERY seconds per kind: a flood must not flood
        the log too."""
        now = time.monotonic()
        if now - self._warned.get(kind, -LOG_EVERY) >= LOG_EVERY:
            self._warned[kind] = now
            log.warning("proxy %s: " + message, self.name, *args)

    def differs(self, listen: str, upstream: str) -> bool:
        """Toxiproxy's ``Differs``: the *resolved* listen (``localhost:P`` is
        ``127.0.0.1:P``) or the upstream is not what this proxy has."""
        return resolved_string(listen) != self.listen or upstream != self.upstream

    def update(self, listen: str, upstream: str, enabled: bool) -> None:
        """Apply a POST /proxies/{name}: a new address restarts the listener."""
        if self.differs(listen, upstream):
            self.stop()
            self.listen, self.upstream = listen, upstream
        if enabled and not self.enabled:
            self.start()
        elif not enabled and self.enabled:
            self.stop()

    # -- toxics ---------------------------------------------------------------------
    def toxics(self) -> list[Toxic]:
        """Upstream toxics first, then downstream, each in the order they were added."""
        return self.chains["upstream"] + self.chains["downstream"]

    def find_toxic(self, name: str) -> Toxic:
        for toxic in self.toxics():
            if toxic.name == name:
                return toxic
        raise TOXIC_NOT_FOUND

    def has_toxic(self, name: str) -> bool:
        return any(toxic.name == name for toxic in self.toxics())

    def add_toxic(self, toxic: Toxic) -> None:
        if self.has_toxic(toxic.name):
            raise TOXIC_EXISTS
        self.chains[toxic.direction].append(toxic)
        self._toxics_changed()

    def update_toxic(self, toxic: Toxic, attributes: dict, toxicity: float) -> None:
        toxic.attributes = attributes  # one swap: pipes see the old or the new, whole
        toxic.toxicity = toxicity
        toxic.version += 1
        self._toxics_changed()

    def remove_toxic(self, name: str) -> None:
        toxic = self.find_toxic(name)
        self.chains[toxic.direction].remove(toxic)
        self._toxics_changed()

    def reset_toxics(self) -> None:
        for chain in self.chains.values():
            chain.clear()
        self._toxics_changed()

    def _toxics_changed(self) -> None:
        """Tell live links now (a timeout toxic arms its timer even if no data flows)."""
        for link in list(self.links):
            link.sync()

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "toxics": [toxic.to_json() for toxic in self.toxics()],
        }
