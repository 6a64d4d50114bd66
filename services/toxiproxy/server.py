"""Start the API and the proxies from a -config file; stop them cleanly on a signal."""

from __future__ import annotations

import logging
import os
import resource
import sys

from gevent.pywsgi import WSGIHandler

from services.serve import serve_until_signal
from services.wsgi import NoDelayWSGIServer

from . import VERSION
from .address import is_loopback, join_host_port
from .api import Api
from .decode import parse_body
from .errors import ApiError
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
) -> None:
    """Run until SIGTERM or SIGINT.

    ``allow_remote_listen`` None: proxies may listen beyond loopback only if the API does.
    """
    limit = raise_fd_limit()
    if allow_remote_listen is None:
        allow_remote_listen = not is_loopback(join_host_port(host, 0))
    registry = Registry(allow_remote_listen=allow_remote_listen)
    api = Api(registry, proxy_metrics=proxy_metrics, runtime_metrics=runtime_metrics)
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
        "API listening on %s (open files limit %d; proxies may listen %s)",
        address,
        limit,
        "anywhere" if allow_remote_listen else "on loopback only",
    )

    serve_until_signal(server, stop=registry.stop_all)
    log.info("shut down")
