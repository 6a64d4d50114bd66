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

Both also answer ``GET /lab/heartbeat?since=T``, the service's liveness record (format in
``services/serve.py``, never recorded), and refuse a request that declares a body over
``MAX_BODY`` with a 413 JSON error before reading it (``services.wsgi.BodyLimit``).

Import this only after ``gevent.monkey.patch_all()`` (``__main__`` does it first): httpbin
sleeps with ``time.sleep``, which must yield to other greenlets for 50 concurrent
``/delay/1`` requests to take one second rather than fifty.
"""

import argparse
import json
import sys

from services.serve import (
    DEFAULT_RECORD_SIZE,
    HEARTBEAT_PATH,
    Heartbeat,
    Record,
    heartbeat_answer,
    serve_until_signal,
)
from services.wsgi import BodyLimit

from .app import build_app
from .record import RecordApp, RecordingWSGIServer, proxy_checker

# Enough pending connections for a burst of a thousand clients (the proxy's benchmark).
BACKLOG = 1024
# Request bodies past this are refused (413) unread. httpbin holds a body several times
# over while it answers (a 1 GiB POST /post took it past 14 GB); the exercises post
# nothing, and a learner trying /post or /anything sends a few KiB. At 1 MiB, a hundred
# such requests at once stay under half a GB. The same cap as the Toxiproxy API's.
MAX_BODY = 1024 * 1024


class HeartbeatApp:
    """WSGI middleware: ``GET /lab/heartbeat`` reads ``heartbeat``, anything else goes on."""

    def __init__(self, app, heartbeat):
        self.app = app
        self.heartbeat = heartbeat

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != HEARTBEAT_PATH:
            return self.app(environ, start_response)
        headers = [("Cache-Control", "no-store")]
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            status, body = 405, {"error": "only GET reads %s" % HEARTBEAT_PATH, "status": 405}
            headers.append(("Allow", "GET, HEAD"))
        else:
            status, body = heartbeat_answer(self.heartbeat, environ.get("QUERY_STRING", ""))
        data = json.dumps(body).encode("utf-8")
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        reason = {200: "200 OK", 400: "400 Bad Request", 405: "405 Method Not Allowed"}
        start_response(reason[status], headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [data]


def lab_app(record, heartbeat, max_body=MAX_BODY):
    """httpbin with the lab's endpoints (record, health, heartbeat) and the body cap."""
    return BodyLimit(HeartbeatApp(RecordApp(build_app(), record), heartbeat), max_body)


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
    heartbeat = Heartbeat().start()
    app = lab_app(record, heartbeat)
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
