"""What the live dashboard knows: the lab as the page sees it, the last results, the one
grading at a time, and the open event streams.

One greenlet (``Dashboard.poll_forever``) looks at the lab about twice a second (the
proxies and the DNS delay through ``LabControl``; each service's health through
``lab.health``, in a child greenlet so that a silent service never holds up the rest) and
at ``grade.json``, and pushes what changed to every open event stream. The page never
polls. The HTTP side (routes, checks of requests) is lab.ui.server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent
from gevent.queue import Empty, Full, Queue

from lab import health, lifecycle
from lab.config import REPO_ROOT, LabConfig
from lab.control import LabControl
from lab.exercises import Exercise
from lab.ui.results import exercises_view, load_report, results_by_number
from lab.ui.strings import STRINGS, default_lang

POLL_S = 0.5  # a change made elsewhere shows within about half a second
CONTROL_WAIT_S = 2.0
HEARTBEAT_S = 15.0
GRADE_TIMEOUT_S = 600.0
OUTPUT_LINES = 40  # the grader's last lines the page shows


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

    def changed(self) -> dict[str, Any]:
        """After a change: read the lab again, push it, and answer with it."""
        self.refresh_control()
        return {"ok": True, "lab": self.lab_state()}

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
    @property
    def grading_now(self) -> str | None:
        """The exercise being graded ("04"), or None."""
        busy = self._grader is not None and not self._grader.dead
        return self.grading["running"] if busy else None

    def start_grading(self, ex: Exercise) -> None:
        """Grade ``ex`` in the background (``gevent-lab check``); the caller made sure that
        nothing else is being graded (``grading_now``)."""
        self.grading = {"running": ex.code, "last": self.grading.get("last"), "output": []}
        self.publish("grading", self.grading)
        self._grader = gevent.spawn(self._grade, ex.code)

    def grade_command(self, code: str) -> list[str]:
        cmd = [sys.executable, "-m", "lab", "check", code, "--report-dir", str(self.report_dir)]
        return cmd + (["--target", self.target] if self.target else [])

    def _grade(self, code: str) -> None:
        output: list[str] = []
        started = time.monotonic()
        rc = self._run_grader(code, output)
        last = {
            "number": code,
            "exit": rc,
            "seconds": round(time.monotonic() - started, 2),
            "output": output[-OUTPUT_LINES:],
        }
        self.refresh_results(force=True)
        self.grading = {"running": None, "last": last, "output": output[-OUTPUT_LINES:]}
        self.publish("grading", self.grading)

    def _run_grader(self, code: str, output: list[str]) -> int | None:
        """Run the grader, pushing its output line by line; its exit status (None if it was
        stopped after ``GRADE_TIMEOUT_S`` or could not start)."""
        try:
            proc = subprocess.Popen(
                self.grade_command(code),
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except OSError as e:
            output.append(f"could not start the grader: {e}")
            return None
        assert proc.stdout is not None
        with gevent.Timeout(GRADE_TIMEOUT_S, False):
            for line in proc.stdout:
                output.append(line.rstrip("\n"))
                self.grading = {**self.grading, "output": output[-OUTPUT_LINES:]}
                self.publish("grading", self.grading)
            return proc.wait()
        proc.kill()
        proc.wait()
        output.append(f"(stopped after {GRADE_TIMEOUT_S:.0f} s)")
        return None

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
        """One page's event stream: the last state of everything, then each change."""
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
        """Everything the page shows, at once (what it gets before the event stream)."""
        return {
            "lab": self.lab_state(),
            "exercises": exercises_view(self.results, self.lang),
            "grading": self.grading,
            "lang": self.lang,
            "strings": STRINGS,
        }


def _sse(event: str, encoded: str) -> bytes:
    return f"event: {event}\ndata: {encoded}\n\n".encode()
