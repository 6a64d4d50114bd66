"""A lab that fails during grading is the lab's fault in the verdict, never the learner's.

A lab of its own (free ports), a service killed or stopped (SIGSTOP) under it, then the
reference solutions graded: lab errors that say what to do, no "slow", no "Likely cause".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from lab import lifecycle
from lab.config import REPO_ROOT
from tests.conftest import free_lab_config
from tests.grading.test_grading import grade

pytestmark = pytest.mark.slow


@pytest.fixture
def own_lab(tmp_path):
    cfg = free_lab_config(str(tmp_path / "state"), latency_ms=0)
    lifecycle.up(cfg)
    try:
        yield cfg
    finally:
        lifecycle.down(cfg)


def pid_of(cfg, service: str) -> int:
    pid = lifecycle.status(cfg).services[service].pid
    assert pid, f"no pid for {service}"
    return pid


def assert_lab_errors(graded, stems):
    for stem in stems:
        ex = graded.exercise(stem)
        assert ex["kind"] == "lab-error", f"{stem}: {ex['kind']}: {ex['reason']}"
        assert "make lab-down && make lab-up" in ex["reason"]
        assert "Likely cause" not in ex["reason"]


def test_httpbin_killed_before_grading_is_a_lab_error(own_lab, tmp_path):
    os.kill(pid_of(own_lab, "httpbin"), signal.SIGKILL)
    graded = grade(own_lab, "solutions", tmp_path)
    assert_lab_errors(graded, ["ex05_monkey_patch_downloads", "ex06_parallel_http"])
    assert graded.exercise("ex01_greenlet_switch")["status"] == "passed"  # no lab needed


def test_httpbin_killed_during_an_exercise_is_a_lab_error(own_lab, tmp_path):
    """Killed while ex06 runs (it takes ~0.8 s under its latency): that one and the next
    are lab errors."""
    env = {**os.environ, **own_lab.to_env()}
    cmd = [sys.executable, "-m", "lab", "check", "--target", "solutions",
           "--report-dir", str(tmp_path)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.lstrip().startswith(("PASS  05", "FAIL  05")):
            time.sleep(0.4)  # ex06 is under way
            os.kill(pid_of(own_lab, "httpbin"), signal.SIGKILL)
            break
    proc.communicate(timeout=240)
    import json

    report = {e["stem"]: e for e in json.loads((tmp_path / "grade.json").read_text())["exercises"]}
    for stem in ("ex06_parallel_http", "ex09_pool", "ex10_deadlines"):
        assert report[stem]["kind"] == "lab-error", f"{stem}: {report[stem]}"


def test_a_stopped_service_is_a_quick_lab_error(own_lab, tmp_path):
    pid = pid_of(own_lab, "dns")
    os.kill(pid, signal.SIGSTOP)
    try:
        began = time.monotonic()
        graded = grade(own_lab, "solutions", tmp_path, "07")
        assert_lab_errors(graded, ["ex07_parallel_dns"])
        assert time.monotonic() - began < 60
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_service_stalled_for_a_moment_during_an_exercise_is_never_the_learners_fault(
    own_lab, tmp_path
):
    """Toxiproxy stopped for 3 s while a correct ex06 runs, then resumed: the lab saw its
    own stall (its heartbeat), so that run is not judged; the exercise is graded once more
    and passes, or (stalled again) is a lab error. Never "wrong" or "slow"."""
    env = {**os.environ, **own_lab.to_env()}
    cmd = [sys.executable, "-m", "lab", "check", "06", "--target", "solutions",
           "--report-dir", str(tmp_path)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    pid = pid_of(own_lab, "toxiproxy")
    try:
        # the exercise's process waits on the lab's proxy once its requests are out
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _running_exercise():
            time.sleep(0.02)
        time.sleep(0.6)  # its imports done, its requests out (the call takes 0.8 s)
        os.kill(pid, signal.SIGSTOP)
        time.sleep(3)
    finally:
        os.kill(pid, signal.SIGCONT)
    out, _ = proc.communicate(timeout=120)
    import json

    (ex,) = json.loads((tmp_path / "grade.json").read_text())["exercises"]
    assert ex["status"] == "passed" or ex["kind"] == "lab-error", out
    assert "Likely cause" not in ex["reason"]


def _running_exercise() -> bool:
    from tests.grading.procs import running

    return bool(running("lab.grading.inside", "solutions/ex06"))
