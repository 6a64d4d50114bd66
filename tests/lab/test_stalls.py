"""A stalled lab service never hangs the lab's client, and a stall is seen afterwards.

One lab of its own on free ports; each test stops one of its services with SIGSTOP (always
resumed in a ``finally``) and checks that:

- every call of ``LabControl`` (toxiproxy-python's included) and ``gevent-lab status`` /
  ``latency`` returns within seconds, with a LabError naming the service and the call that
  timed out, not a hang or a traceback;
- ``lab.health.stalls`` reports, after the service resumed, the gap it left.

Limits are generous (a stop must be named well within ``BOUND_S``): the machine is shared.
"""

from __future__ import annotations

import json
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from toxiproxy.api import APIConsumer

from lab import health, lifecycle, processes
from lab.config import LabConfig
from lab.control import API_TIMEOUT, LabControl, toxiproxy_at
from lab.errors import LabError
from tests.cli_process import run_lab, without_lab_variables
from tests.conftest import free_lab_config, session_lab_dir

BOUND_S = API_TIMEOUT + 5.0  # one call's deadline, plus a busy machine's slack


@pytest.fixture(scope="module")
def lab() -> Iterator[LabConfig]:
    cfg = free_lab_config(session_lab_dir("stalls"))
    try:
        lifecycle.up(cfg)
        yield cfg
    finally:
        lifecycle.down(cfg)


def pid_of(cfg: LabConfig, service: str) -> int:
    marker = processes.marker_value(cfg.state_path)
    pids = {name: pid for pid, name, _ in processes.marked_processes(marker, exact=True)}
    return pids[service]


@contextmanager
def stopped(cfg: LabConfig, service: str) -> Iterator[None]:
    """``service`` stopped with SIGSTOP for the block, resumed whatever happens."""
    pid = pid_of(cfg, service)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def timed(call: Callable[[], object]) -> tuple[float, BaseException | None]:
    """Seconds ``call`` took, and what it raised (None if nothing)."""
    t0 = time.monotonic()
    try:
        call()
    except Exception as e:
        return time.monotonic() - t0, e
    return time.monotonic() - t0, None


def cli(cfg: LabConfig, *args: str):
    env = {**without_lab_variables(), **cfg.to_env()}
    t0 = time.monotonic()
    r = run_lab(*args, env=env, timeout=60)
    return time.monotonic() - t0, r


def assert_timed_out(took: float, error: BaseException | None, what: str, url: str, call: str):
    assert isinstance(error, LabError), repr(error)
    assert took < BOUND_S, f"{call} took {took:.1f} s"
    assert what in error.message and url in error.message and call in error.message, error
    assert "did not answer" in error.message and "stalled" in error.message
    assert "make lab-status" in error.hint


def test_a_stopped_toxiproxy_is_a_lab_error_naming_it_within_seconds(lab):
    control = LabControl(lab)
    with stopped(lab, "toxiproxy"):
        # through toxiproxy-python (GET /proxies), and through the control's own requests
        took, error = timed(lambda: control.proxy("httpbin"))
        assert_timed_out(took, error, "Toxiproxy API", lab.toxiproxy_url, "GET /proxies")
        took, error = timed(control.proxies)
        assert_timed_out(took, error, "Toxiproxy API", lab.toxiproxy_url, "GET /proxies")
        # the library's own POST has a deadline too (a requests.Timeout, unwrapped)
        with toxiproxy_at(lab):
            took, error = timed(lambda: APIConsumer.post("/reset"))
        assert isinstance(error, requests.Timeout) and took < BOUND_S, (took, error)

        took, r = cli(lab, "latency", "100")
        assert r.returncode == 1 and took < BOUND_S, (took, r.stderr)
        first = r.stderr.splitlines()[0]
        assert first.startswith("error:") and "Toxiproxy API" in first, r.stderr
        assert "did not answer" in first and "Traceback" not in r.stderr

        took, r = cli(lab, "status", "--json")
        assert r.returncode == 1 and took < BOUND_S, (took, r.stderr)
        assert not json.loads(r.stdout)["services"]["toxiproxy"]["answers"]
    assert control.proxy("httpbin").name == "httpbin"  # resumed: answers again


def test_a_stopped_dns_control_api_is_a_lab_error_naming_it_within_seconds(lab):
    control = LabControl(lab)
    with stopped(lab, "dns"):
        took, error = timed(control.dns_delay)
        assert_timed_out(took, error, "DNS control API", lab.dns_control_url, "GET /delay")
        took, error = timed(lambda: control.set_dns_delay(100))
        assert_timed_out(took, error, "DNS control API", lab.dns_control_url, "PUT /delay")
        took, r = cli(lab, "status", "--json")
        assert r.returncode == 1 and took < BOUND_S, (took, r.stderr)
        report = json.loads(r.stdout)
        assert not report["services"]["dns"]["answers"] and report["dns_delay_ms"] is None
    # The PUT that timed out waited in the server's socket: it is applied once it resumes.
    assert control.dns_delay() == 100
    control.set_dns_delay(0)


def test_a_stopped_httpbin_is_named_within_seconds(lab):
    with stopped(lab, "httpbin"):
        took, error = timed(lambda: health.check_httpbin(lab))
        assert error is None and took < BOUND_S
        check = health.check_httpbin(lab)
        assert not check.answers and "timed out" in check.detail
        took, r = cli(lab, "status", "--json")
        assert r.returncode == 1 and took < BOUND_S, (took, r.stderr)
        assert not json.loads(r.stdout)["services"]["httpbin"]["answers"]
        t0 = time.monotonic()
        now_stalled = health.stalls(lab, time.time())
        assert time.monotonic() - t0 < BOUND_S
    assert now_stalled["httpbin"] == math.inf, now_stalled


@pytest.mark.parametrize("victim", ["toxiproxy", "httpbin", "dns"])
def test_a_three_second_stop_shows_in_stalls_after_it_resumed(lab, victim):
    since = time.time()
    with stopped(lab, victim):
        time.sleep(3.0)
    t0 = time.monotonic()
    gaps = health.stalls(lab, since)
    assert time.monotonic() - t0 < BOUND_S
    assert set(gaps) == {"toxiproxy", "httpbin", "dns"}
    assert 2.5 <= gaps[victim] < 10, gaps
    assert all(gap < 0.5 for name, gap in gaps.items() if name != victim), gaps
    # a window that starts after the stop sees none of it
    assert health.stalls(lab, time.time())[victim] < 0.5


def test_a_window_from_before_the_services_started_is_unknown(lab):
    assert set(health.stalls(lab, 0.0).values()) == {math.inf}


class _LikeOfficialToxiproxy(BaseHTTPRequestHandler):
    """Routes as Toxiproxy 2.12 does for these two paths: no /lab/heartbeat (a 404), and a
    /version that here takes 0.3 s to answer."""

    def do_GET(self):
        if self.path != "/version":
            self.send_error(404, "page not found")
            return
        time.sleep(0.3)
        body = b'{"version": "2.12.0"}\n'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_without_a_heartbeat_toxiproxy_is_timed_by_its_version_call(lab):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LikeOfficialToxiproxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        official = lab.with_(toxiproxy_port=server.server_address[1])
        gaps = health.stalls(official, time.time())
    finally:
        server.shutdown()
        server.server_close()
    assert 0.3 <= gaps["toxiproxy"] < 2.0, gaps
    assert gaps["httpbin"] < 0.5 and gaps["dns"] < 0.5
