"""Start the API and the proxies from a -config file; stop them cleanly on a signal."""

from __future__ import annotations

import logging
import os
import resource
import sys

from gevent.pywsgi import WSGIHandler

from services.serve import Heartbeat, serve_until_signal
from services.wsgi import NoDelayWSGIServer

from . import VERSION
from .address import is_loopback, join_host_port
from .api import Api
from .decode import parse_body
from .errors import ApiError
from .proxy import DEFAULT_MAX_LINKS
from .registry import Registry

log = logging.getLogger("toxiproxy")


def raise_fd_limit() -> int:
    """Soft RLIMIT_NOFILE up to the hard limit: each proxied connection costs two fds."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def max_links_for(open_files: int) -> int:
    """The default live links per proxy: DEFAULT_MAX_LINKS, or less when the open-files
    limit is low, so that one flooded proxy (two descriptors per link) takes at most a
    quarter of what 1,024 descriptors kept for the API and the other proxies leave."""
    return max(64, min(DEFAULT_MAX_LINKS, (open_files - 1024) // 4))


def load_config(api: Api, path: str) -> None:
    """Populate proxies from a Toxiproxy -config file; errors are logged, as Toxiproxy does."""
    try:
        with open(path, "rb") as f:
            specs = api.populate_specs(parse_body(f.read()))
    except (OSError, ApiError) as err:
        log.error("error reading config file %s: %s", path, err)
        return
    proxies, error = api.registry.populate(specs)
    if error is not None:
        log.error("failed to populate proxies from %s: %s", path, error.message)
    else:
        log.info("populated %d proxies from %s", len(proxies), path)


class QuietHandler(WSGIHandler):
    """pywsgi's handler without one access-log line per request (benchmarks hit it hard)."""

    def log_request(self):
        pass


def serve(
    host: str,
    port: int,
    config: str | None = None,
    proxy_metrics: bool = False,
    runtime_metrics: bool = False,
    allow_remote_listen: bool | None = None,
    max_links: int | None = None,
) -> None:
    """Run until SIGTERM or SIGINT.

    ``allow_remote_listen`` None: proxies may listen beyond loopback only if the API does.
    ``max_links`` None: ``max_links_for`` the open-files limit.
    """
    limit = raise_fd_limit()
    if allow_remote_listen is None:
        allow_remote_listen = not is_loopback(join_host_port(host, 0))
    if max_links is None:
        max_links = max_links_for(limit)
    registry = Registry(allow_remote_listen=allow_remote_listen, max_links=max_links)
    heartbeat = Heartbeat().start()
    api = Api(
        registry,
        proxy_metrics=proxy_metrics,
        runtime_metrics=runtime_metrics,
        heartbeat=heartbeat,
    )
    server = NoDelayWSGIServer(
        (host, port), api, handler_class=QuietHandler, log=None, error_log=sys.stderr
    )
    try:
        server.start()
    except OSError as err:  # a clear line, not a traceback: the port is the usual culprit
        reason = os.strerror(err.errno).lower() if err.errno else str(err)
        raise SystemExit(f"toxiproxy: listen tcp {host}:{port}: bind: {reason}") from None
    bound = server.socket.getsockname()
    registry.api_address = bound[:2]
    if config:
        load_config(api, config)
    address = f"{bound[0]}:{bound[1]}"
    print(f"toxiproxy {VERSION}: API listening on {address}", flush=True)
    log.info(
        "API listening on %s (open files limit %d; proxies may listen %s, %d links each)",
        address,
        limit,
        "anywhere" if allow_remote_listen else "on loopback only",
        max_links,
    )

    serve_until_signal(server, stop=[registry.stop_all, heartbeat.stop])
    log.info("shut down")
