"""A grader killed half-way leaves nothing running, and the next grading repairs the lab.

Real processes: a `gevent-lab check` of a hanging exercise, killed with SIGKILL while the
exercise runs under the grader's latency, then another `gevent-lab check`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab import processes
from lab.config import REPO_ROOT
from lab.control import LabControl
from lab.grading import repair
from tests.conftest import free_lab_config
from tests.grading.procs import running

pytestmark = pytest.mark.slow


def servers_of(grader_pid: int) -> list[int]:
    """The grader's private Toxiproxy servers (marked LAB_GRADER_SERVER=<pid>:...)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            env = (proc / "environ").read_bytes()
        except OSError:
            continue
        if f"LAB_GRADER_SERVER={grader_pid}:".encode() in env:
            pids.append(int(proc.name))
    return pids


def extras(lab: LabControl) -> list[str]:
    """The grader's extra proxies on the lab's own Toxiproxy."""
    return [name for name in lab.proxies() if name.startswith("grader_extra_")]


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_grader_leaves_nothing_and_the_next_one_repairs(lab_cfg):
    env = {**os.environ, **lab_cfg.to_env()}
    lab = LabControl(lab_cfg)
    before = lab.snapshot_toxics()
    grader = subprocess.Popen(
        [sys.executable, "-m", "lab", "check", "06", "--target", "tests/grading/fixtures/hangs",
         "--report-dir", str(Path(lab_cfg.state_dir) / "reports")],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(lambda: running("lab.grading.inside", "fixtures/hangs")), (
            "the exercise never started"
        )
        # the exercise's process starts while the grader sets the lab up: wait for both
        assert wait_for(lambda: lab.snapshot_toxics() != before), (
            "the grader's latency is not in place"
        )
        # ex06's slow proxy lives on the embedded lab's own Toxiproxy, meant to be removed
        assert wait_for(lambda: extras(lab)), "ex06 runs with an extra proxy of the grader's"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    assert wait_for(lambda: not running("lab.grading.inside", "fixtures/hangs"), 10), (
        "the exercise outlived its grader"
    )
    assert not servers_of(grader.pid), "a Toxiproxy of its own outlived it"
    assert lab.snapshot_toxics() != before and extras(lab)  # nobody has repaired anything yet

    again = subprocess.run(
        [sys.executable, "-m", "lab", "check", "01", "--target", "solutions",
         "--report-dir", str(Path(lab_cfg.state_dir) / "reports")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Put back the latency settings a killed `make check` had changed." in again.stdout
    assert again.returncode == 0, again.stdout + again.stderr
    assert lab.snapshot_toxics() == before and not extras(lab)


def test_a_hung_up_grader_puts_the_lab_back_before_it_exits(lab_cfg):
    """SIGHUP (the terminal closed) unwinds like Ctrl-C: nothing left to repair."""
    env = {**os.environ, **lab_cfg.to_env()}
    lab = LabControl(lab_cfg)
    before = lab.snapshot_toxics()
    grader = subprocess.Popen(
        [sys.executable, "-m", "lab", "check", "06", "--target", "tests/grading/fixtures/hangs",
         "--report-dir", str(Path(lab_cfg.state_dir) / "reports")],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(lambda: running("lab.grading.inside", "fixtures/hangs"))
        assert wait_for(lambda: lab.snapshot_toxics() != before)
        grader.send_signal(signal.SIGHUP)
        grader.wait(timeout=60)
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
    assert not running("lab.grading.inside", "fixtures/hangs")
    assert not servers_of(grader.pid)
    assert lab.snapshot_toxics() == before
    assert not (Path(lab_cfg.state_dir) / "grading.json").exists()


def test_a_record_left_for_a_lab_that_has_since_stopped_is_dropped(tmp_path):
    """A grader killed while it had changed a running lab's settings, and that lab stopped
    since (``make lab-down``, a reboot): the next grading starts, nothing to put back."""
    cfg = free_lab_config(str(tmp_path / "state"))
    cfg.state_path.mkdir(parents=True, exist_ok=True)
    gone = subprocess.Popen(["sleep", "30"])
    marker = f"{gone.pid}:{processes.start_time(gone.pid)}"
    gone.kill()
    gone.wait()
    record = {"grader": marker, "started_lab": False,
              "settings": {"toxics": {}, "dns_delay": 40}}  # fmt: skip
    (cfg.state_path / repair.FILE).write_text(json.dumps(record))
    said: list[str] = []
    repair.repair(cfg, said.append)
    assert said == []
    assert not (cfg.state_path / repair.FILE).exists()


def test_the_learner_process_started_early_is_taken_once_for_the_same_lab_or_stopped():
    """``gevent-lab check 01`` starts the learner's process before its own imports
    (lab.grading.early): the grader takes it only for the same exercise and lab's
    addresses; one not taken is stopped."""
    from lab import config
    from lab.exercises import find
    from lab.grading import early
    from lab.grading.target import resolve_target

    ex = find("01")
    args = (str(resolve_target("solutions").file(ex)), ex.check_module, ex.is_greenlet,
            ex.time_limit)  # fmt: skip
    cfg = config.load(state=False)
    early.start("01", "solutions")
    other = cfg.with_(toxiproxy_port=cfg.toxiproxy_port + 1)
    assert early.take(other, *args) is None  # another lab: the grader starts its own
    early.discard()
    pids = running("lab.grading.inside", "ex01_greenlet_switch")
    assert not pids, "a process nobody took is still running"

    early.start("01", "solutions")
    learner = early.take(cfg, *args)
    assert learner is not None and processes.is_running(learner.pid)
    assert early.take(cfg, *args) is None  # once
    learner.abandon()
    assert not processes.is_running(learner.pid)
