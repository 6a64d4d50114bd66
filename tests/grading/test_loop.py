"""The learner's loop (issue 20): what makes a verdict come sooner keeps it the same.

Real processes: a fresh Python running gevent's ``monkey.patch_all()``, real child processes
waited for through a pidfd, and two exercises graded one after the other, the second one's
process started as soon as the first one had its verdict. The speed itself is measured
by ``make bench-grade``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lab import processes
from lab.exercises import find
from lab.grading import early, process
from lab.grading.driver import Session
from lab.grading.engine import Grader
from lab.grading.result import Status
from lab.grading.target import resolve_target
from tests.grading.procs import running

_COUNT_READS = """
import json, sys
from importlib import metadata
reads = []
real = metadata.distributions
metadata.distributions = lambda **kw: reads.append(1) or real(**kw)
if sys.argv[1] == "once":
    from lab.grading.inside import entrypoints
    entrypoints.read_once()
from gevent import monkey
monkey.patch_all()
groups = ("console_scripts", "gevent.plugins.monkey.will_patch_all", "pytest11")
seen = {g: sorted(ep.value for ep in metadata.entry_points(group=g)) for g in groups}
count = len(reads)
if sys.argv[1] == "once":  # the standard library's own answers, to compare with
    metadata.entry_points = metadata.entry_points.__wrapped__
truth = {g: sorted(ep.value for ep in metadata.entry_points(group=g)) for g in groups}
print(json.dumps({"reads": count, "same": seen == truth, "n": len(seen["console_scripts"])}))
"""


def _patch_all(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _COUNT_READS, mode], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    return json.loads(out.stdout)


def test_patch_all_reads_the_installed_packages_once_and_gets_the_same_entry_points():
    """gevent's patch_all() asks for its plugins 25 times; in the learner's process the
    packages' metadata is read once, and every group still answers as the standard library
    does (compared with the unwrapped function, after patching)."""
    plain = _patch_all("plain")
    assert plain["reads"] > 10, plain  # what the cache is for: a scan per question
    once = _patch_all("once")
    assert once["reads"] == 1, once
    assert once["same"] and once["n"] > 0, once


def test_waiting_for_the_learner_returns_its_status_and_times_out():
    """The grader waits for the learner's process through a pidfd: the exit status as
    ``Popen.wait`` gives it, a signal as -N, and TimeoutExpired when it runs on."""
    done = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    assert process._wait(done, 30) == 3
    assert process._wait(done, 30) == 3  # already collected: Popen's own answer
    hung = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            process._wait(hung, 0.2)
        hung.kill()
        assert process._wait(hung, 30) == -9
    finally:
        hung.kill()
        hung.wait()


def test_the_next_exercise_starts_once_this_one_has_its_verdict_and_is_taken(monkeypatch):
    """``gevent-lab check`` starts exercise N+1's process once N has its verdict (never
    while N is judged: nothing N+1's module does can reach N's records); the grader takes
    that process for N+1 (none is started again), and a process left untaken is stopped."""
    target = resolve_target("solutions")
    first, second = find("01"), find("02")
    session = Session(target, seed=4242)
    during: list[int] = []  # processes waiting for a later exercise, as 01's grading ends
    grade = Grader.grade

    def grading(*args):
        outcome = grade(*args)
        during.append(len(early._waiting))
        return outcome

    monkeypatch.setattr(Grader, "grade", grading)
    try:
        assert session.grade(first, second).status is Status.PASSED
        assert during == [0], "02's process was started while 01 was judged"
        assert early._waiting, "02's process was not started after 01's verdict"
        waiting = next(iter(early._waiting.values()))
        assert processes.is_running(waiting.pid)
        assert session.grade(second).status is Status.PASSED
        assert not early._waiting, "02 was graded by a process of its own, not the one started"
        assert not processes.is_running(waiting.pid)

        session.grade(first, second)  # 02 started again, and never graded this time
        (untaken,) = early._waiting.values()
        early.discard()
        assert not processes.is_running(untaken.pid)
    finally:
        early.discard()
        session.close()
    assert not running("lab.grading.inside", "ex02_greenlet_pingpong")
