"""Serve the lab's httpbin with gevent's WSGI server: one greenlet per request.

    python -m services.httpbin --host 127.0.0.1 --port 8081 [--access-log]

Import this only after ``gevent.monkey.patch_all()`` (``__main__`` does it first): httpbin
sleeps with ``time.sleep``, which must yield to other greenlets for 50 concurrent
``/delay/1`` requests to take one second rather than fifty.
"""

import argparse
import signal
import sys

import gevent
import gevent.event

from services.wsgi import NoDelayWSGIServer

from .app import build_app

# Enough pending connections for a burst of a thousand clients (the proxy's benchmark).
BACKLOG = 1024


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m services.httpbin", description="httpbin served by gevent's pywsgi"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8081, help="port (default 8081; 0 = any free port)")
    p.add_argument("--access-log", action="store_true", help="log each request to stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    app = build_app()
    server = NoDelayWSGIServer(
        (args.host, args.port), app, backlog=BACKLOG, log=sys.stderr if args.access_log else None
    )
    try:
        server.start()
    except OSError as e:
        sys.exit(
            "cannot listen on %s:%d: %s (choose another port with --port)"
            % (args.host, args.port, e)
        )
    host, port = server.address[:2]
    print("httpbin listening on http://%s:%d" % (host, port), file=sys.stderr, flush=True)

    stopped = gevent.event.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, stopped.set)
    stopped.wait()
    server.stop(timeout=1)
    print("httpbin stopped", file=sys.stderr, flush=True)
