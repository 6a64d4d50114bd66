"""The live dashboard's HTTP side: one page, one server-sent-events stream, a small JSON API.

A Flask application (one view per endpoint, each documented where it is defined) served by
gevent's WSGI server (``services.wsgi.NoDelayWSGIServer``) on 127.0.0.1 only. What the
page shows lives in ``lab.ui.dashboard.Dashboard``.

Every change goes through ``LabControl``, the client the command line uses. State-changing
requests must come from the page itself: ``Host`` (and ``Origin`` when sent) must be this
server's own 127.0.0.1/localhost address, and the body JSON (``Content-Type:
application/json``); anything else is a 403/415 JSON answer. Bad values are refused with a
400 JSON message before anything is changed; every error is JSON: ``{"error", "hint"}``.

Run it with ``gevent-lab ui`` (which starts ``python -m lab.ui``, monkey-patched first).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import gevent
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from lab import config, envfile
from lab.config import MAX_LATENCY_MS, REPO_ROOT
from lab.control import LabControl, ToxicSpec
from lab.errors import LabError
from lab.exercises import find
from lab.i18n import t
from lab.ui.dashboard import Dashboard

DEFAULT_PORT = 8090
STOP_TIMEOUT_S = 0.2  # on SIGTERM, what open event streams get before they are cut
MAX_BODY = 64 * 1024
BIG = 2**31 - 1
ASSETS = ("index.html", "app.js", "style.css")
# Only the page's own files, and no inline script: the page is a control panel for the lab.
ASSET_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'",
}

# Every Toxiproxy toxic the page can add: its attributes and their largest value.
TOXICS: dict[str, dict[str, int]] = {
    "latency": {"latency": MAX_LATENCY_MS, "jitter": MAX_LATENCY_MS},
    "bandwidth": {"rate": BIG},
    "slow_close": {"delay": MAX_LATENCY_MS},
    "timeout": {"timeout": MAX_LATENCY_MS},
    "reset_peer": {"timeout": MAX_LATENCY_MS},
    "slicer": {"average_size": BIG, "size_variation": BIG, "delay": 60_000_000},
    "limit_data": {"bytes": BIG},
}
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class Invalid(Exception):
    """A request the UI refuses: ``status`` and a sentence for the page."""

    def __init__(self, message: str, status: int = 400, hint: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint


# -- checks of values -------------------------------------------------------------------------
def whole_number(value: Any, what: str, most: int) -> int:
    """A JSON integer from 0 to ``most`` (no strings, floats or booleans), else Invalid."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{what} must be a whole number, not {value!r}.")
    if not 0 <= value <= most:
        raise Invalid(f"{what} must be between 0 and {most} (got {value}).")
    return value


def toxic_from(body: dict[str, Any]) -> ToxicSpec:
    """The toxic a request asks for, every field checked against ``TOXICS``, else Invalid."""
    kind = body.get("type")
    if kind not in TOXICS:
        raise Invalid(f"Unknown toxic type {kind!r}: one of {', '.join(TOXICS)}.")
    stream = body.get("stream", "downstream")
    if stream not in ("upstream", "downstream"):
        raise Invalid(f"stream must be upstream or downstream, not {stream!r}.")
    name = body.get("name") or f"{kind}_{stream}"
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise Invalid(f"A toxic's name is 1-64 letters, digits, '_', '.', '-', not {name!r}.")
    return ToxicSpec(kind, stream, name, _toxicity(body), _attributes(kind, body))


def _toxicity(body: dict[str, Any]) -> float:
    toxicity = body.get("toxicity", 1.0)
    if isinstance(toxicity, bool) or not isinstance(toxicity, int | float):
        raise Invalid(f"toxicity must be a number from 0 to 1, not {toxicity!r}.")
    if not 0 <= toxicity <= 1:
        raise Invalid(f"toxicity must be from 0 to 1 (got {toxicity}).")
    return float(toxicity)


def _attributes(kind: str, body: dict[str, Any]) -> dict[str, int]:
    attributes = body.get("attributes", {})
    if not isinstance(attributes, dict):
        raise Invalid('attributes must be an object, e.g. {"latency": 100}.')
    known = TOXICS[kind]
    unknown = sorted(set(attributes) - set(known))
    if unknown:
        raise Invalid(
            f"A {kind} toxic has no attribute {unknown[0]!r} (it has {', '.join(known)})."
        )
    return {k: whole_number(v, k, known[k]) for k, v in attributes.items()}


# -- the application --------------------------------------------------------------------------
api = Blueprint("dashboard", __name__)


def create_app(dash: Dashboard) -> Flask:
    """The dashboard's WSGI application, serving ``dash``."""
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.extensions["dashboard"] = dash
    app.register_blueprint(api)
    return app


def dashboard() -> Dashboard:
    return current_app.extensions["dashboard"]


def body() -> dict[str, Any]:
    """The request's JSON object ({} when it sent no body), else Invalid."""
    raw = request.get_data(cache=False)  # more than MAX_BODY: a 413 before it is read
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise Invalid("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.")
    return data


@api.before_app_request
def only_from_the_page() -> None:
    """Refuse a request addressed to another host (DNS rebinding), and a change sent from
    another origin or not as JSON (a form on another site cannot send JSON)."""
    allowed = dashboard().allowed_hosts
    host = request.headers.get("Host", "")
    if host not in allowed:
        raise Invalid(f"Refused: Host {host!r} is not this dashboard's address.", 403)
    if request.method in ("GET", "HEAD"):
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin not in {f"http://{h}" for h in allowed}:
        raise Invalid(f"Refused: a request from another origin ({origin}).", 403)
    if request.mimetype != "application/json":
        raise Invalid("Changes must be sent as Content-Type: application/json.", 415)


@api.after_app_request
def never_cached(response: Response) -> Response:
    """API answers describe the lab now: a browser must never show an old one."""
    if response.mimetype == "application/json":
        response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/", defaults={"name": "index.html"})
@api.get(f"/<any({', '.join(ASSETS)}):name>")
def asset(name: str) -> Response:
    """The page, its script and its style sheet (package data in ``lab/ui/assets``)."""
    data = resources.files("lab.ui").joinpath("assets", name).read_bytes()
    mimetype = {"js": "text/javascript", "css": "text/css", "html": "text/html"}
    return Response(data, mimetype=mimetype[name.rsplit(".", 1)[-1]], headers=ASSET_HEADERS)


@api.get("/events")
def events() -> Response:
    """Server-sent events: ``lab``, ``exercises`` and ``grading`` each time one changes."""
    return Response(
        dashboard().events(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        direct_passthrough=True,
    )


@api.get("/api/state")
def state() -> dict[str, Any]:
    """Everything the page shows, and what it may send (toxics, the largest latency)."""
    return {**dashboard().snapshot(), "toxics": TOXICS, "max_latency": MAX_LATENCY_MS}


@api.post("/api/grade")
def grade() -> dict[str, Any]:
    """Grade one exercise (``{"exercise": "04"}``) in the background; one at a time."""
    raw = body().get("exercise")
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise Invalid('Which exercise? Send {"exercise": "04"}.')
    try:
        ex = find(str(raw))
    except LabError as e:
        raise Invalid(str(e).splitlines()[0]) from None
    running = dashboard().grading_now
    if running:
        raise Invalid(f"Exercise {running} is being graded: one at a time.", 409)
    dashboard().start_grading(ex)
    return {"grading": ex.code}


@api.route("/api/dns/delay", methods=["POST", "PUT"])
def dns_delay() -> dict[str, Any]:
    """Set how long the DNS server waits before each answer: ``{"delay": ms}``."""
    ms = whole_number(body().get("delay"), "The DNS delay (ms)", MAX_LATENCY_MS)
    dashboard().lab_control().set_dns_delay(ms)
    return dashboard().changed()


@api.route("/api/proxies/<proxy>/latency", methods=["POST", "PUT"])
def latency(proxy: str) -> dict[str, Any]:
    """Set a proxy's latency toxic: ``{"latency": ms, "jitter": ms}`` (0 removes it)."""
    data = body()
    lab = known_proxy(proxy)
    ms = whole_number(data.get("latency"), "The latency (ms)", MAX_LATENCY_MS)
    jitter = whole_number(data.get("jitter", 0), "The jitter (ms)", MAX_LATENCY_MS)
    lab.set_latency(ms, jitter, proxy=proxy)
    return dashboard().changed()


@api.route("/api/proxies/<proxy>/enabled", methods=["POST", "PUT"])
def enabled(proxy: str) -> dict[str, Any]:
    """Turn a proxy off (every connection through it refused) or on: ``{"enabled": bool}``."""
    value = body().get("enabled")
    lab = known_proxy(proxy)
    if not isinstance(value, bool):
        raise Invalid(f"enabled must be true or false, not {value!r}.")
    lab.set_enabled(proxy, value)
    return dashboard().changed()


@api.post("/api/proxies/<proxy>/toxics")
def add_toxic(proxy: str) -> dict[str, Any]:
    """Add a toxic to a proxy: ``{"type", "stream", "name", "toxicity", "attributes"}``."""
    data = body()
    lab = known_proxy(proxy)
    spec = toxic_from(data)
    try:
        lab.add_toxic(proxy, spec)
    except LabError:
        raise
    except Exception as e:  # toxiproxy-python: ProxyExists, InvalidToxic
        raise Invalid(f"Toxiproxy refused the toxic: {_reason(e)}.", 409) from None
    return dashboard().changed()


@api.delete("/api/proxies/<proxy>/toxics/<name>")
def remove_toxic(proxy: str, name: str) -> dict[str, Any]:
    """Remove a proxy's toxic by name."""
    lab = known_proxy(proxy)
    if not NAME_RE.match(name) or name not in {tx.name for tx in lab.toxics(proxy)}:
        raise Invalid(f"The proxy {proxy!r} has no toxic named {name!r}.", 404)
    lab.remove_toxic(proxy, name)
    return dashboard().changed()


def known_proxy(name: str) -> LabControl:
    """The lab's client, once it is sure the lab has a proxy called ``name`` (else a 404;
    a LabError, so a 503, when the Toxiproxy API does not answer)."""
    if not NAME_RE.match(name):
        raise Invalid(f"No proxy called {name!r}.", 404)
    lab = dashboard().lab_control()
    if name not in lab.proxies():
        raise Invalid(f"The lab has no proxy called {name!r}.", 404)
    return lab


# -- errors: always JSON ----------------------------------------------------------------------
def _error(status: int, message: str, hint: str = "") -> tuple[dict[str, str], int]:
    return {"error": message, **({"hint": hint} if hint else {})}, status


@api.app_errorhandler(Invalid)
def refused(e: Invalid) -> tuple[dict[str, str], int]:
    return _error(e.status, str(e), e.hint)


@api.app_errorhandler(LabError)
def lab_unavailable(e: LabError) -> tuple[dict[str, str], int]:
    """The lab does not answer (not started, or a service stopped): what to do about it."""
    return {"error": e.message, "hint": e.hint or ""}, 503


@api.app_errorhandler(HTTPException)
def http_error(e: HTTPException) -> tuple[dict[str, str], int]:
    """Werkzeug's own refusals (no such path, method or size) as JSON too."""
    if isinstance(e, NotFound):
        return _error(404, f"Nothing at {request.path}.")
    if isinstance(e, MethodNotAllowed):
        return _error(405, f"{request.method} is not supported at {request.path}.")
    if isinstance(e, RequestEntityTooLarge):
        return _error(413, f"The request body is too large (at most {MAX_BODY // 1024} KiB).")
    return _error(e.code or 500, e.description or e.name)


def _reason(e: Exception) -> str:
    """Toxiproxy's own words from a toxiproxy-python exception (its body, as bytes)."""
    raw = e.args[0] if e.args else str(e)
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    try:
        return str(json.loads(text)["error"])
    except (ValueError, KeyError, TypeError):
        return text.strip() or type(e).__name__


# -- serving ----------------------------------------------------------------------------------
def port_from_env() -> int:
    """``LAB_UI_PORT`` from the environment, else from ``.env``, else 8090."""
    raw = envfile.variables().get("LAB_UI_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        return int(raw)
    except ValueError:
        raise LabError(t("err.ui.port_not_number", raw=raw)) from None


def serve(args: argparse.Namespace) -> int:
    """``gevent-lab ui`` once gevent has patched the standard library: serve until Ctrl-C.
    Raises LabError when it cannot start (a bad port, or one already taken)."""
    from services.wsgi import NoDelayWSGIServer

    port = args.port if args.port is not None else port_from_env()
    if not 0 < port < 65536:
        raise LabError(t("err.ui.port_range", port=port))
    report_dir = Path(args.report_dir)
    if not report_dir.is_absolute():
        report_dir = (REPO_ROOT / report_dir).resolve()
    dash = Dashboard(config.load(), port, report_dir, args.target, args.lang)
    try:
        server = NoDelayWSGIServer(("127.0.0.1", port), create_app(dash), log=None)
        server.init_socket()
    except OSError as e:
        raise LabError(
            t("err.ui.cannot_listen", port=port, reason=e.strerror or e),
            t("err.ui.cannot_listen.hint"),
        ) from None
    poller = gevent.spawn(dash.poll_forever)
    for signum in (signal.SIGTERM, signal.SIGHUP):  # a polite stop: close, end the streams
        gevent.signal_handler(signum, server.stop, STOP_TIMEOUT_S)
    print(f"Dashboard: http://127.0.0.1:{port}/  (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        poller.kill()
    return 0
