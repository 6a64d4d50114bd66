"""The set of proxies: create, replace (populate), remove, reset."""

from __future__ import annotations

from gevent.lock import RLock

from .errors import PROXY_EXISTS, PROXY_NOT_FOUND, ApiError
from .proxy import Proxy


class Registry:
    """All proxies by name. A lock keeps check-then-bind sequences whole."""

    def __init__(self):
        self.proxies: dict[str, Proxy] = {}
        self.lock = RLock()

    def get(self, name: str) -> Proxy:
        proxy = self.proxies.get(name)
        if proxy is None:
            raise PROXY_NOT_FOUND
        return proxy

    def create(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        """Add a proxy (409 if the name exists; 500, and nothing added, if it cannot bind)."""
        with self.lock:
            if name in self.proxies:
                raise PROXY_EXISTS
            proxy = Proxy(name, listen, upstream)
            if enabled:
                proxy.start()
            self.proxies[name] = proxy
            return proxy

    def add_or_replace(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        """Populate's rule: same listen and upstream keeps the proxy (and its toxics)."""
        with self.lock:
            existing = self.proxies.get(name)
            if existing is not None:
                if existing.listen == listen and existing.upstream == upstream:
                    return existing
                existing.stop()
            proxy = Proxy(name, listen, upstream)
            if enabled:
                proxy.start()
            self.proxies[name] = proxy
            return proxy

    def populate(self, specs: list[dict]) -> tuple[list[Proxy], ApiError | None]:
        """Create or replace each proxy in order; stop at the first failure.

        Returns the proxies handled before any error, and that error.
        """
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
