"""The live dashboard: one page, one server-sent-events stream, a small JSON API.

Served by gevent's WSGI server (``services.wsgi.NoDelayWSGIServer``) on 127.0.0.1 only.
One greenlet (``Dashboard.poll_forever``) looks at the lab about once a second (the
proxies and the DNS delay through ``LabControl``; each service's health through
``lab.health``, in a child greenlet so that a silent service never holds up the rest) and
at ``grade.json``, and pushes what changed to every open event stream. The page never polls.

Every change goes through ``LabControl``, the client the command line uses. State-changing requests must come from
the page itself: ``Host`` (and ``Origin`` when sent) must be this server's own
127.0.0.1/localhost address, and the body JSON (``Content-Type: application/json``);
anything else is a 403/415 JSON answer. Bad values are refused with a 400 JSON message
before anything is changed.

Run it with ``gevent-lab ui`` (``python -m lab.ui``, which monkey-patches first).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import gevent
from gevent.queue import Empty, Full, Queue

from lab import config, envfile, health, lifecycle
from lab.config import MAX_LATENCY_MS, REPO_ROOT, LabConfig
from lab.control import LabControl, ToxicSpec
from lab.errors import LabError
from lab.exercises import find
from lab.i18n import t
from lab.ui.results import exercises_view, load_report, results_by_number
from lab.ui.strings import LANGS, STRINGS, default_lang

DEFAULT_PORT = 8090
POLL_S = 0.5  # a change made elsewhere shows within about half a second
CONTROL_WAIT_S = 2.0
HEARTBEAT_S = 15.0
GRADE_TIMEOUT_S = 600.0
MAX_BODY = 64 * 1024
BIG = 2**31 - 1

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
StartResponse = Callable[..., Any]


class Invalid(Exception):
    """A request the UI refuses: ``status`` and a sentence for the page."""

    def __init__(self, message: str, status: int = 400, hint: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint


# -- validation ------------------------------------------------------------------------------
def whole_number(value: Any, what: str, most: int) -> int:
    """A JSON integer from 0 to ``most`` (no strings, floats or booleans), else Invalid."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{what} must be a whole number, not {value!r}.")
    if not 0 <= value <= most:
        raise Invalid(f"{what} must be between 0 and {most} (got {value}).")
    return value


def toxic_from(body: dict[str, Any]) -> ToxicSpec:
    kind = body.get("type")
    if kind not in TOXICS:
        raise Invalid(f"Unknown toxic type {kind!r}: one of {', '.join(TOXICS)}.")
    stream = body.get("stream", "downstream")
    if stream not in ("upstream", "downstream"):
        raise Invalid(f"stream must be upstream or downstream, not {stream!r}.")
    name = body.get("name") or f"{kind}_{stream}"
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise Invalid(f"A toxic's name is 1-64 letters, digits, '_', '.', '-', not {name!r}.")
    toxicity = body.get("toxicity", 1.0)
    if isinstance(toxicity, bool) or not isinstance(toxicity, int | float):
        raise Invalid(f"toxicity must be a number from 0 to 1, not {toxicity!r}.")
    if not 0 <= toxicity <= 1:
        raise Invalid(f"toxicity must be from 0 to 1 (got {toxicity}).")
    attributes = body.get("attributes", {})
    if not isinstance(attributes, dict):
        raise Invalid('attributes must be an object, e.g. {"latency": 100}.')
    known = TOXICS[kind]
    unknown = sorted(set(attributes) - set(known))
    if unknown:
        raise Invalid(
            f"A {kind} toxic has no attribute {unknown[0]!r} (it has {', '.join(known)})."
        )
    attrs = {k: whole_number(v, k, known[k]) for k, v in attributes.items()}
    return ToxicSpec(kind, stream, name, float(toxicity), attrs)


# -- the dashboard ----------------------------------------------------------------------------
class Dashboard:
    """The lab as the page sees it, the open event streams and the one grading at a time."""

    def __init__(
        self,
        cfg: LabConfig,
        port: int,
        report_dir: Path,
        target: str | None = None,
        lang: str | None = None,
    ) -> None:
        self.cfg = cfg
        self.port = port
        self.report_dir = report_dir
        self.target = target
        self.lang = lang or default_lang()
        self.subscribers: set[Queue] = set()
        self.last: dict[str, str] = {}  # event name -> its last JSON
        self.results: dict[str, dict[str, Any]] = {}
        self.report_stamp: tuple[int, int] | None = None
        self.grading: dict[str, Any] = {"running": None, "last": None}
        self.health: dict[str, Any] = {}
        self.control: dict[str, Any] = {}
        self._probe: gevent.Greenlet | None = None
        self._grader: gevent.Greenlet | None = None
        self.allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    # -- the lab ------------------------------------------------------------------------------
    def target_cfg(self) -> tuple[LabConfig, str | None]:
        return lifecycle.active(self.cfg)

    def lab_control(self) -> LabControl:
        return LabControl(self.target_cfg()[0])

    def refresh_control(self) -> None:
        """The proxies and the DNS delay, read at once, each given ``CONTROL_WAIT_S`` at most
        (a stopped service must not hold up the other, nor the next poll)."""
        target, _ = self.target_cfg()
        lab = LabControl(target)
        jobs = [gevent.spawn(lab.proxies_or_none), gevent.spawn(lab.dns_delay_or_none)]
        gevent.joinall(jobs, timeout=CONTROL_WAIT_S)
        for job in jobs:
            job.kill(block=False)
        proxies, delay = (job.value if job.successful() else None for job in jobs)
        self.control = {"proxies": proxies, "dns_delay": delay}
        self.publish_lab()

    def refresh_health(self) -> None:
        target, backend = self.target_cfg()
        checks = health.probe(target)
        addresses = lifecycle.service_addresses(target)
        self.health = {
            "backend": backend or target.backend,
            "services": {
                name: {"answers": c.answers, "detail": c.detail, "address": addresses[name]}
                for name, c in checks.items()
            },
        }
        self.publish_lab()

    def lab_state(self) -> dict[str, Any]:
        services = self.health.get("services", {})
        down = [name for name, s in services.items() if not s["answers"]]
        return {
            **self.health,
            **self.control,
            "checked": bool(services),
            "ok": bool(services) and not down,
            "down": down,
            "toxiproxy_api": self.target_cfg()[0].toxiproxy_url,
        }

    def publish_lab(self) -> None:
        self.publish("lab", self.lab_state())

    # -- results ------------------------------------------------------------------------------
    @property
    def report_path(self) -> Path:
        return self.report_dir / "grade.json"

    def refresh_results(self, force: bool = False) -> None:
        """Merge ``grade.json`` into the last results when it changed (or ``force``)."""
        try:
            st = self.report_path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp != self.report_stamp or force:
            self.report_stamp = stamp
            self.results.update(results_by_number(load_report(self.report_path)))
        self.publish("exercises", exercises_view(self.results, self.lang))

    # -- grading ------------------------------------------------------------------------------
    def start_grading(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = body.get("exercise")
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise Invalid('Which exercise? Send {"exercise": "04"}.')
        try:
            ex = find(str(raw))
        except LabError as e:
            raise Invalid(str(e).splitlines()[0]) from None
        if self._grader is not None and not self._grader.dead:
            raise Invalid(
                f"Exercise {self.grading['running']} is being graded: one at a time.", 409
            )
        self.grading = {"running": ex.code, "last": self.grading.get("last"), "output": []}
        self.publish("grading", self.grading)
        self._grader = gevent.spawn(self._grade, ex.code)
        return {"grading": ex.code}

    def grade_command(self, code: str) -> list[str]:
        cmd = [sys.executable, "-m", "lab", "check", code, "--report-dir", str(self.report_dir)]
        return cmd + (["--target", self.target] if self.target else [])

    def _grade(self, code: str) -> None:
        output: list[str] = []
        started = time.monotonic()
        rc: int | None = None
        try:
            proc = subprocess.Popen(
                self.grade_command(code),
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            with gevent.Timeout(GRADE_TIMEOUT_S, False):
                assert proc.stdout is not None
                for line in proc.stdout:
                    output.append(line.rstrip("\n"))
                    self.grading = {**self.grading, "output": output[-40:]}
                    self.publish("grading", self.grading)
                rc = proc.wait()
            if rc is None:
                proc.kill()
                proc.wait()
                output.append(f"(stopped after {GRADE_TIMEOUT_S:.0f} s)")
        except OSError as e:
            output.append(f"could not start the grader: {e}")
        last = {
            "number": code,
            "exit": rc,
            "seconds": round(time.monotonic() - started, 2),
            "output": output[-40:],
        }
        self.refresh_results(force=True)
        self.grading = {"running": None, "last": last, "output": output[-40:]}
        self.publish("grading", self.grading)

    # -- events -------------------------------------------------------------------------------
    def publish(self, event: str, data: Any) -> None:
        encoded = json.dumps(data, sort_keys=True)
        if self.last.get(event) == encoded:
            return
        self.last[event] = encoded
        for q in list(self.subscribers):
            try:
                q.put_nowait((event, encoded))
            except Full:  # a stream that stopped reading: drop it
                self.subscribers.discard(q)

    def events(self) -> Iterator[bytes]:
        q: Queue = Queue(maxsize=256)
        self.subscribers.add(q)
        try:
            yield b"retry: 1000\n\n"
            for event, encoded in list(self.last.items()):
                yield _sse(event, encoded)
            while True:
                try:
                    event, encoded = q.get(timeout=HEARTBEAT_S)
                except Empty:
                    yield b": ping\n\n"
                    continue
                yield _sse(event, encoded)
        finally:
            self.subscribers.discard(q)

    def poll_forever(self) -> None:
        """The one poller: control state and results twice a second; health in a child."""
        while True:
            try:
                self.refresh_control()
                if self._probe is None or self._probe.dead:
                    self._probe = gevent.spawn(self.refresh_health)
                self.refresh_results()
            except Exception as e:  # never let the poller die: say it and go on
                print(f"dashboard: poll failed: {type(e).__name__}: {e}", file=sys.stderr)
            gevent.sleep(POLL_S)

    def snapshot(self) -> dict[str, Any]:
        return {
            "lab": self.lab_state(),
            "exercises": exercises_view(self.results, self.lang),
            "grading": self.grading,
            "lang": self.lang,
            "strings": STRINGS,
            "toxics": TOXICS,
            "max_latency": MAX_LATENCY_MS,
        }

    # -- the WSGI application -----------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        try:
            self.guard(environ, method)
            if method == "GET":
                return self.get(path, start_response)
            if method in ("POST", "PUT", "DELETE"):
                body = read_json(environ) if method != "DELETE" else {}
                answer = self.change(method, path, body)
                return respond(start_response, 200, answer)
            raise Invalid(f"{method} is not supported here.", 405)
        except Invalid as e:
            return respond(
                start_response, e.status, {"error": str(e), **({"hint": e.hint} if e.hint else {})}
            )
        except LabError as e:
            return respond(start_response, 503, {"error": e.message, "hint": e.hint or ""})

    def guard(self, environ: dict[str, Any], method: str) -> None:
        host = environ.get("HTTP_HOST", "")
        if host not in self.allowed_hosts:
            raise Invalid(f"Refused: Host {host!r} is not this dashboard's address.", 403)
        if method in ("GET", "HEAD"):
            return
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in {f"http://{h}" for h in self.allowed_hosts}:
            raise Invalid(f"Refused: a request from another origin ({origin}).", 403)
        ctype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise Invalid("Changes must be sent as Content-Type: application/json.", 415)

    def get(self, path: str, start_response: StartResponse) -> Iterable[bytes]:
        if path == "/events":
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/event-stream; charset=utf-8"),
                    ("Cache-Control", "no-store"),
                    ("X-Accel-Buffering", "no"),
                ],
            )
            return self.events()
        if path == "/api/state":
            return respond(start_response, 200, self.snapshot())
        if path == "/":
            path = "/index.html"
        name = path.lstrip("/")
        if name in ASSETS:
            return asset(start_response, name)
        raise Invalid(f"Nothing at {path}.", 404)

    def change(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        parts = [p for p in path.split("/") if p]
        if method == "POST" and parts == ["api", "grade"]:
            return self.start_grading(body)
        if method in ("POST", "PUT") and parts == ["api", "dns", "delay"]:
            ms = whole_number(body.get("delay"), "The DNS delay (ms)", MAX_LATENCY_MS)
            self.lab_control().set_dns_delay(ms)
            return self.changed()
        if len(parts) >= 4 and parts[:2] == ["api", "proxies"]:
            proxy = parts[2]
            if not NAME_RE.match(proxy):
                raise Invalid(f"No proxy called {proxy!r}.", 404)
            lab = self.lab_control()
            if proxy not in lab.proxies():  # a LabError (503) when the API is silent
                raise Invalid(f"The lab has no proxy called {proxy!r}.", 404)
            if method in ("POST", "PUT") and parts[3:] == ["latency"]:
                ms = whole_number(body.get("latency"), "The latency (ms)", MAX_LATENCY_MS)
                jitter = whole_number(body.get("jitter", 0), "The jitter (ms)", MAX_LATENCY_MS)
                lab.set_latency(ms, jitter, proxy=proxy)
                return self.changed()
            if method in ("POST", "PUT") and parts[3:] == ["enabled"]:
                enabled = body.get("enabled")
                if not isinstance(enabled, bool):
                    raise Invalid(f"enabled must be true or false, not {enabled!r}.")
                lab.set_enabled(proxy, enabled)
                return self.changed()
            if method == "POST" and parts[3:] == ["toxics"]:
                spec = toxic_from(body)
                try:
                    lab.add_toxic(proxy, spec)
                except Exception as e:  # toxiproxy-python: ProxyExists, InvalidToxic
                    if isinstance(e, LabError):
                        raise
                    raise Invalid(f"Toxiproxy refused the toxic: {_reason(e)}.", 409) from None
                return self.changed()
            if method == "DELETE" and len(parts) == 5 and parts[3] == "toxics":
                if not NAME_RE.match(parts[4]) or parts[4] not in {
                    t.name for t in lab.toxics(proxy)
                }:
                    raise Invalid(f"The proxy {proxy!r} has no toxic named {parts[4]!r}.", 404)
                lab.remove_toxic(proxy, parts[4])
                return self.changed()
        raise Invalid(f"Nothing to {method} at {path}.", 404)

    def changed(self) -> dict[str, Any]:
        """After a change: read the lab again, push it, and answer with it."""
        self.refresh_control()
        return {"ok": True, "lab": self.lab_state()}


def _reason(e: Exception) -> str:
    """Toxiproxy's own words from a toxiproxy-python exception (its body, as bytes)."""
    raw = e.args[0] if e.args else str(e)
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    try:
        return str(json.loads(text)["error"])
    except (ValueError, KeyError, TypeError):
        return text.strip() or type(e).__name__


def _sse(event: str, encoded: str) -> bytes:
    return f"event: {event}\ndata: {encoded}\n\n".encode()


def read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Invalid("Bad Content-Length.") from None
    if length > MAX_BODY:
        raise Invalid("The request body is too large.", 413)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise Invalid("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    return body


REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    503: "Service Unavailable",
}


def respond(start_response: StartResponse, status: int, data: Any) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(
        f"{status} {REASONS.get(status, 'Error')}",
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


ASSETS = ("index.html", "app.js", "style.css")


def asset(start_response: StartResponse, name: str) -> list[bytes]:
    body = resources.files("lab.ui").joinpath("assets", name).read_bytes()
    ctype = {"js": "text/javascript", "css": "text/css", "html": "text/html"}.get(
        name.rsplit(".", 1)[-1], mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    start_response(
        "200 OK",
        [
            ("Content-Type", f"{ctype}; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-cache"),
            ("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'"),
        ],
    )
    return [body]


# -- the command ------------------------------------------------------------------------------
def port_from_env() -> int:
    """``LAB_UI_PORT`` from the environment, else from ``.env``, else 8090."""
    merged = envfile.variables()
    raw = merged.get("LAB_UI_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        port = int(raw)
    except ValueError:
        raise LabError(t("err.ui.port_not_number", raw=raw)) from None
    return port


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gevent-lab ui", description="The lab's live dashboard.")
    p.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (LAB_UI_PORT, 8090)")
    p.add_argument("--report-dir", default="reports", help="where grade.json is (and goes)")
    p.add_argument("--target", default=None, help="folder the Grade buttons grade (exercises)")
    p.add_argument("--lang", choices=LANGS, default=None, help="page language (LAB_LANG)")
    return p


def main(argv: list[str] | None = None) -> int:
    from services.wsgi import NoDelayWSGIServer

    args = parser().parse_args(argv)
    try:
        port = args.port if args.port is not None else port_from_env()
        if not 0 < port < 65536:
            raise LabError(t("err.ui.port_range", port=port))
        cfg = config.load()
        report_dir = Path(args.report_dir)
        if not report_dir.is_absolute():
            report_dir = (REPO_ROOT / report_dir).resolve()
        dash = Dashboard(cfg, port, report_dir, args.target, args.lang)
        try:
            server = NoDelayWSGIServer(("127.0.0.1", port), dash, log=None)
            server.init_socket()
        except OSError as e:
            raise LabError(
                t("err.ui.cannot_listen", port=port, reason=e.strerror or e),
                t("err.ui.cannot_listen.hint"),
            ) from None
    except LabError as e:
        print(t("err.error", error=e), file=sys.stderr)
        return 1
    poller = gevent.spawn(dash.poll_forever)
    print(f"Dashboard: http://127.0.0.1:{port}/  (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        poller.kill()
    return 0
