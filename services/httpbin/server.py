"""Serve the lab's httpbin with gevent's WSGI server: one greenlet per request.

    python -m services.httpbin --host 127.0.0.1 --port 8081 [--upstream-port 8082] \
        [--upstream-only-from http://127.0.0.1:8474] [--record-size 20000] [--access-log]

``--port`` is the "direct" listener (the grader's own checks); ``--upstream-port`` adds a
second listener labelled "upstream", the one only the latency proxy should dial. Both serve
the same app and write to one record of the requests answered, read at ``/lab/record``
(format in ``record.py``). With ``--upstream-only-from`` (the embedded lab passes its
Toxiproxy's API), the "upstream" listener serves only connections that Toxiproxy says are
its own, and answers anyone else 403 (recorded as refused): a learner who dials it directly
skips no latency unseen. Under Docker that port is simply not published.

Import this only after ``gevent.monkey.patch_all()`` (``__main__`` does it first): httpbin
sleeps with ``time.sleep``, which must yield to other greenlets for 50 concurrent
``/delay/1`` requests to take one second rather than fifty.
"""

import argparse
import sys

from services.serve import DEFAULT_RECORD_SIZE, Record, serve_until_signal

from .app import build_app
from .record import RecordApp, RecordingWSGIServer, proxy_checker

# Enough pending connections for a burst of a thousand clients (the proxy's benchmark).
BACKLOG = 1024


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m services.httpbin", description="httpbin served by gevent's pywsgi"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=8081,
        help='port of the "direct" listener (default 8081; 0 = any free port)',
    )
    p.add_argument(
        "--upstream-port",
        type=int,
        default=None,
        help='also listen on this port, labelled "upstream": the one the latency proxy '
        "dials (default: no such listener; 0 = any free port)",
    )
    p.add_argument(
        "--upstream-only-from",
        metavar="URL",
        default=None,
        help='serve the "upstream" listener only to connections the Toxiproxy API at URL '
        "says are its own (GET URL/lab/upstream/<port>); default: anyone",
    )
    p.add_argument(
        "--record-size",
        type=int,
        default=DEFAULT_RECORD_SIZE,
        help="requests kept in the /lab/record ring (default %d)" % DEFAULT_RECORD_SIZE,
    )
    p.add_argument("--access-log", action="store_true", help="log each request to stderr")
    args = p.parse_args(argv)
    if args.record_size < 1:
        p.error("--record-size must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    record = Record(args.record_size)
    app = RecordApp(build_app(), record)
    listeners = [("direct", args.port)]
    if args.upstream_port is not None:
        listeners.append(("upstream", args.upstream_port))
    servers: list[RecordingWSGIServer] = []
    only_proxy = proxy_checker(args.upstream_only_from) if args.upstream_only_from else None
    for label, port in listeners:
        server = RecordingWSGIServer(
            (args.host, port),
            app,
            record,
            label,
            admits=only_proxy if label == "upstream" else None,
            backlog=BACKLOG,
            log=sys.stderr if args.access_log else None,
        )
        try:
            server.start()
        except OSError as e:
            for started in servers:
                started.stop(timeout=0)
            sys.exit(
                "cannot listen on %s:%d (%s): %s (choose another port with --port or "
                "--upstream-port)" % (args.host, port, label, e)
            )
        servers.append(server)
    for server in servers:
        host, port = server.address[:2]
        print(
            "httpbin listening on http://%s:%d (%s)" % (host, port, server.label),
            file=sys.stderr,
            flush=True,
        )
    serve_until_signal(*servers)
    print("httpbin stopped", file=sys.stderr, flush=True)
