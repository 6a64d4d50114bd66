"""Command line, Go-flag style like toxiproxy-server: ``-host``, ``-port``, ``-config`` ..."""

from __future__ import annotations

import argparse
import logging
import random
import sys

from . import VERSION


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.toxiproxy",
        description="A Toxiproxy-compatible TCP latency injector built on gevent.",
    )
    parser.add_argument(
        "-host",
        "--host",
        default="127.0.0.1",
        help="Host for toxiproxy's API to listen on (default 127.0.0.1)",
    )
    parser.add_argument(
        "-port",
        "--port",
        type=int,
        default=8474,
        help="Port for toxiproxy's API to listen on; 0 picks a free one",
    )
    parser.add_argument(
        "-config", "--config", default="", help="JSON file containing proxies to create on startup"
    )
    parser.add_argument(
        "-proxy-metrics",
        "--proxy-metrics",
        action="store_true",
        help="Enable proxy-specific metrics in /metrics",
    )
    parser.add_argument(
        "-runtime-metrics",
        "--runtime-metrics",
        action="store_true",
        help="Enable runtime metrics in /metrics",
    )
    parser.add_argument(
        "-allow-remote-listen",
        "--allow-remote-listen",
        action="store_true",
        default=None,
        help="Let proxies listen beyond loopback (0.0.0.0, [::], a public address) although"
        " the API listens on loopback; on by default when -host is not a loopback address",
    )
    parser.add_argument(
        "-max-links",
        "--max-links",
        type=int,
        default=None,
        help="Live connections each proxy keeps at most; more are closed at once (default"
        " 4096, less under a low open-files limit)",
    )
    parser.add_argument(
        "-seed", "--seed", type=int, default=None, help="Seed for randomizing toxics with"
    )
    parser.add_argument(
        "-version", "--version", action="store_true", help="Print the version and exit"
    )
    args = parser.parse_args(argv)
    if args.max_links is not None and args.max_links < 1:
        parser.error("-max-links must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.version:
        print(f"toxiproxy-server version {VERSION}")
        return 0
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.seed is not None:
        random.seed(args.seed)

    from .server import serve

    serve(
        args.host,
        args.port,
        args.config or None,
        args.proxy_metrics,
        args.runtime_metrics,
        args.allow_remote_listen,
        args.max_links,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
