"""The set of proxies: create, replace (populate), update, remove, reset; the safe defaults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gevent.lock import RLock

from .address import is_loopback, points_at, reaches, resolve, upstream_target
from .connections import Connections
from .errors import PROXY_EXISTS, PROXY_NOT_FOUND, ApiError
from .proxy import DEFAULT_MAX_LINKS, Proxy

REMOTE_LISTEN_FLAG = "-allow-remote-listen"


class Node(NamedTuple):
    """A proxy as the loop check sees it: where it listens (None: port not known yet) and
    what it dials."""

    listen: tuple[str, int] | None
    upstream: str


def find_loop(start: str, nodes: dict[str, Node]) -> list[str] | None:
    """The proxies a connection into ``start`` would go through until it came back to one
    of them (``[start, ..., the one reached again]``), else None. Every proxy a hop reaches
    is followed (two may share a listen address while one of them is disabled)."""
    targets: dict[str, tuple[list[str], int] | None] = {}

    def following(name: str) -> Iterator[str]:
        if name not in targets:
            targets[name] = upstream_target(nodes[name].upstream)
        for other, node in nodes.items():
            if node.listen is not None and reaches(targets[name], node.listen):
                yield other

    path, branches, done = [start], [following(start)], set()
    while branches:
        nxt = next(branches[-1], None)
        if nxt is None:  # every way on from path[-1] ends outside the server
            done.add(path.pop())
            branches.pop()
        elif nxt in path:
            return [*path, nxt]
        elif nxt not in done:
            path.append(nxt)
            branches.append(following(nxt))
    return None


class Registry:
    """All proxies by name. A lock keeps check-then-bind sequences whole.

    ``allow_remote_listen`` False refuses proxies that would listen beyond loopback (the
    server sets it when its API listens on loopback); ``api_address`` is the API's bound
    (host, port), which no proxy may use as its upstream. No proxy may dial, directly or
    through others, a proxy of this server that leads back into the chain (a loop). Each
    proxy keeps at most ``max_links`` live connections.
    """

    def __init__(
        self,
        allow_remote_listen: bool = True,
        api_address: tuple | None = None,
        max_links: int = DEFAULT_MAX_LINKS,
    ):
        self.proxies: dict[str, Proxy] = {}
        self.lock = RLock()
        self.allow_remote_listen = allow_remote_listen
        self.api_address = api_address
        self.connections = Connections()  # every client connection (GET /lab/links)
        self.max_links = max_links

    @property
    def empty_host(self) -> str:
        """What a listen with no host binds: Go's wildcard, or loopback if it must."""
        return "" if self.allow_remote_listen else "127.0.0.1"

    def new_proxy(self, name: str, listen: str, upstream: str) -> Proxy:
        return Proxy(
            name, listen, upstream, self.empty_host, self.connections, max_links=self.max_links
        )

    def get(self, name: str) -> Proxy:
        proxy = self.proxies.get(name)
        if proxy is None:
            raise PROXY_NOT_FOUND
        return proxy

    def check(
        self, listen: str, upstream: str, name: str = "", planned: dict[str, Node] | None = None
    ) -> None:
        """The safe defaults: 403 for a listen beyond loopback, 400 for an upstream that
        loops back to this proxy's fixed listen port, to the API itself, or through other
        proxies of this server (those of ``planned`` replacing those of the same name)."""
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
        nodes = {**self.nodes(), **(planned or {})}
        nodes[name] = Node((host or self.empty_host, port) if port else None, upstream)
        self.refuse_loop(name, nodes)

    def nodes(self) -> dict[str, Node]:
        """Every proxy as the loop check sees it."""
        return {
            name: Node(self.listen_of(p.listen), p.upstream) for name, p in self.proxies.items()
        }

    def listen_of(self, listen: str) -> tuple[str, int] | None:
        """(host, port) a listen binds, or None while its port is unknown (0) or it cannot
        bind. (A running proxy's listen is its bound address: no lookup.)"""
        try:
            host, port = resolve(listen)
        except (OSError, ValueError, UnicodeError):
            return None
        return (host or self.empty_host, port) if port else None

    @staticmethod
    def refuse_loop(name: str, nodes: dict[str, Node]) -> None:
        """400 if a connection into proxy ``name`` would come back to a proxy it went
        through: two proxies dialling each other hold ever more connections until the
        server runs out of file descriptors."""
        loop = find_loop(name, nodes)
        if loop is not None:
            raise ApiError(
                f"upstream {nodes[name].upstream} makes a loop through this server's proxies:"
                f" {' -> '.join(loop)}",
                400,
            )

    def start_checked(self, proxy: Proxy) -> None:
        """Start ``proxy``; one that had port 0 is checked again for loops once its port is
        known (another proxy may already dial it), and stopped (400) if it closes one."""
        proxy.start()
        nodes = {**self.nodes(), proxy.name: Node(self.listen_of(proxy.listen), proxy.upstream)}
        try:
            self.refuse_loop(proxy.name, nodes)
        except ApiError:
            proxy.stop()
            raise

    def create(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        """Add a proxy (409 if the name exists; 500, and nothing added, if it cannot bind)."""
        with self.lock:
            if name in self.proxies:
                raise PROXY_EXISTS
            self.check(listen, upstream, name)
            proxy = self.new_proxy(name, listen, upstream)
            if enabled:
                self.start_checked(proxy)
            self.proxies[name] = proxy
            return proxy

    def add_or_replace(
        self,
        name: str,
        listen: str,
        upstream: str,
        enabled: bool,
        planned: dict[str, Node] | None = None,
    ) -> Proxy:
        """Populate's rule: the same resolved listen and upstream keeps the proxy, with its
        toxics and live connections; anything else replaces it."""
        with self.lock:
            existing = self.proxies.get(name)
            if existing is not None:
                if not existing.differs(listen, upstream):
                    return existing
                self.check(listen, upstream, name, planned)
                existing.stop()
            proxy = self.new_proxy(name, listen, upstream)
            if enabled:
                self.start_checked(proxy)
            self.proxies[name] = proxy
            return proxy

    def populate(self, specs: list[dict]) -> tuple[list[Proxy], ApiError | None]:
        """Create or replace each proxy in order; stop at the first failure.

        The safe defaults are checked for every new or changed proxy before any is
        touched. Returns the proxies handled before any error, and that error.
        """
        with self.lock:
            changed = [
                spec
                for spec in specs
                if spec["name"] not in self.proxies
                or self.proxies[spec["name"]].differs(spec["listen"], spec["upstream"])
            ]
            # the proxies as they will be: a loop may close only once all are in place
            planned = {
                spec["name"]: Node(self.listen_of(spec["listen"]), spec["upstream"])
                for spec in changed
            }
            for index, spec in enumerate(specs, start=1):
                if any(spec is c for c in changed):
                    try:
                        self.check(spec["listen"], spec["upstream"], spec["name"], planned)
                    except ApiError as err:
                        return [], ApiError(f"{err.message} at proxy {index}", err.status)
            done: list[Proxy] = []
            for spec in specs:
                try:
                    done.append(
                        self.add_or_replace(
                            spec["name"], spec["listen"], spec["upstream"], spec["enabled"], planned
                        )
                    )
                except ApiError as err:
                    return done, err
            return done, None

    def update(self, proxy: Proxy, listen: str, upstream: str, enabled: bool) -> None:
        """POST /proxies/{name}: a changed listen or upstream is checked, then applied."""
        with self.lock:
            if proxy.differs(listen, upstream):
                self.check(listen, upstream, proxy.name)
            proxy.update(listen, upstream, enabled)
            if proxy.enabled:
                try:  # a port 0 is known now: check again (it is left stopped on a loop)
                    self.refuse_loop(proxy.name, self.nodes())
                except ApiError:
                    proxy.stop()
                    raise

    def remove(self, name: str) -> None:
        with self.lock:
            proxy = self.get(name)
            proxy.stop()
            del self.proxies[name]

    def reset(self) -> None:
        """Re-enable every proxy and remove every toxic (no proxy is deleted)."""
        with self.lock:
            for proxy in list(self.proxies.values()):
                if not proxy.enabled:
                    self.start_checked(proxy)
                proxy.reset_toxics()

    def stop_all(self) -> None:
        for proxy in list(self.proxies.values()):
            proxy.stop()
