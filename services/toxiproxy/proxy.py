"""A proxy: a listening socket, its upstream address, its toxics and its live links."""

from __future__ import annotations

import logging

import gevent

from .address import bind, format_address, points_at, resolved_string
from .errors import TOXIC_EXISTS, TOXIC_NOT_FOUND, ApiError
from .link import Link
from .toxics import STREAMS, Toxic

log = logging.getLogger("toxiproxy.proxy")


class Proxy:
    """One named proxy. ``listen`` shows the bound address once it has started."""

    def __init__(
        self, name: str, listen: str, upstream: str, empty_host: str = "", connections=None
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
        while True:
            try:
                client, _ = listener.accept()
            except OSError as err:
                if listener.fileno() < 0:
                    return  # closed by stop()
                log.warning("proxy %s: accept failed: %s", self.name, err)
                gevent.sleep(0.01)  # e.g. out of file descriptors: do not spin
                continue
            link = Link(self, client, self.connections)
            self.links.add(link)
            gevent.spawn(link.run)

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
