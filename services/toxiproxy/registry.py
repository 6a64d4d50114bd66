"""The set of proxies: create, replace (populate), update, remove, reset; the safe defaults."""

from __future__ import annotations

from gevent.lock import RLock

from .address import is_loopback, points_at, resolve
from .connections import Connections
from .errors import PROXY_EXISTS, PROXY_NOT_FOUND, ApiError
from .proxy import Proxy

REMOTE_LISTEN_FLAG = "-allow-remote-listen"


class Registry:
    """All proxies by name. A lock keeps check-then-bind sequences whole.

    ``allow_remote_listen`` False refuses proxies that would listen beyond loopback (the
    server sets it when its API listens on loopback); ``api_address`` is the API's bound
    (host, port), which no proxy may use as its upstream.
    """

    def __init__(self, allow_remote_listen: bool = True, api_address: tuple | None = None):
        self.proxies: dict[str, Proxy] = {}
        self.lock = RLock()
        self.allow_remote_listen = allow_remote_listen
        self.api_address = api_address
        self.connections = Connections()  # every client connection (GET /lab/links)

    @property
    def empty_host(self) -> str:
        """What a listen with no host binds: Go's wildcard, or loopback if it must."""
        return "" if self.allow_remote_listen else "127.0.0.1"

    def new_proxy(self, name: str, listen: str, upstream: str) -> Proxy:
        return Proxy(name, listen, upstream, self.empty_host, self.connections)

    def get(self, name: str) -> Proxy:
        proxy = self.proxies.get(name)
        if proxy is None:
            raise PROXY_NOT_FOUND
        return proxy

    def check(self, listen: str, upstream: str) -> None:
        """The safe defaults: 403 for a listen beyond loopback, 400 for an upstream that
        loops back to this proxy's fixed listen port or to the API itself."""
        if not self.allow_remote_listen and not is_loopback(listen, self.empty_host):
            raise ApiError(
                f"listen {listen or ':0'} is not a loopback address: this server's API"
                f" listens on loopback, so its proxies must too (start the server with"
                f" {REMOTE_LISTEN_FLAG} to lift this)",
                403,
            )
        if self.api_address is not None and points_at(upstream, self.api_address):
            raise ApiError(f"upstream {upstream} is this server's own API address", 400)
        try:
            host, port = resolve(listen)
        except (OSError, ValueError, UnicodeError):
            return  # bind() will say why
        if port and points_at(upstream, (host or self.empty_host, port)):
            raise ApiError(f"upstream {upstream} is this proxy's own listen address", 400)

    def create(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        """Add a proxy (409 if the name exists; 500, and nothing added, if it cannot bind)."""
        with self.lock:
            if name in self.proxies:
                raise PROXY_EXISTS
            self.check(listen, upstream)
            proxy = self.new_proxy(name, listen, upstream)
            if enabled:
                proxy.start()
            self.proxies[name] = proxy
            return proxy

    def add_or_replace(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        """Populate's rule: the same resolved listen and upstream keeps the proxy, with its
        toxics and live connections; anything else replaces it."""
        with self.lock:
            existing = self.proxies.get(name)
            if existing is not None:
                if not existing.differs(listen, upstream):
                    return existing
                self.check(listen, upstream)
                existing.stop()
            proxy = self.new_proxy(name, listen, upstream)
            if enabled:
                proxy.start()
            self.proxies[name] = proxy
            return proxy

    def populate(self, specs: list[dict]) -> tuple[list[Proxy], ApiError | None]:
        """Create or replace each proxy in order; stop at the first failure.

        The safe defaults are checked for every new or changed proxy before any is
        touched. Returns the proxies handled before any error, and that error.
        """
        with self.lock:
            for index, spec in enumerate(specs, start=1):
                existing = self.proxies.get(spec["name"])
                if existing is None or existing.differs(spec["listen"], spec["upstream"]):
                    try:
                        self.check(spec["listen"], spec["upstream"])
                    except ApiError as err:
                        return [], ApiError(f"{err.message} at proxy {index}", err.status)
            done: list[Proxy] = []
            for spec in specs:
                try:
                    done.append(
                        self.add_or_replace(
                            spec["name"], spec["listen"], spec["upstream"], spec["enabled"]
                        )
                    )
                except ApiError as err:
                    return done, err
            return done, None

    def update(self, proxy: Proxy, listen: str, upstream: str, enabled: bool) -> None:
        """POST /proxies/{name}: a changed listen or upstream is checked, then applied."""
        with self.lock:
            if proxy.differs(listen, upstream):
                self.check(listen, upstream)
            proxy.update(listen, upstream, enabled)

    def remove(self, name: str) -> None:
        with self.lock:
            proxy = self.get(name)
            proxy.stop()
            del self.proxies[name]

    def reset(self) -> None:
        """Re-enable every proxy and remove every toxic (no proxy is deleted)."""
        with self.lock:
            for proxy in list(self.proxies.values()):
                proxy.start()
                proxy.reset_toxics()

    def stop_all(self) -> None:
        for proxy in list(self.proxies.values()):
            proxy.stop()
