"""The grader graded: `make check` end to end against a real lab of our own (``lab_cfg``).

Each target is graded by ONE run of ``python -m lab check`` (all its exercises in
one go, as a learner would), and the tests read what it printed and the reports it wrote.
Exercises are discovered from the files present, so these tests grow with the exercises.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab.config import REPO_ROOT
from lab.control import toxiproxy_at
from lab.exercises import find
from lab.grading.target import resolve_target
from tests.grading.procs import running

pytestmark = pytest.mark.slow  # grades whole folders: `make test-fast` leaves them out

CHECK_TIMEOUT = 240  # one whole grading; about 15 s when solved


@dataclass
class Graded:
    """What one `check` run returned, printed and wrote."""

    returncode: int
    output: str
    report: dict
    junit: ET.Element
    seconds: float
    stems: list[str]

    def exercise(self, stem: str) -> dict:
        return next(e for e in self.report["exercises"] if e["stem"] == stem)


def grade(lab_cfg, target: str, report_dir: Path, *extra: str) -> Graded:
    env = {**os.environ, **lab_cfg.to_env()}
    began = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lab",
            "check",
            "--target",
            target,
            "--report-dir",
            str(report_dir),
            *extra,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
    )
    seconds = time.monotonic() - began
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    report = json.loads((report_dir / "grade.json").read_text())
    junit = ET.parse(report_dir / "junit.xml").getroot()
    stems = [ex.stem for ex in resolve_target(target).present()]
    return Graded(proc.returncode, output, report, junit, seconds, stems)


def graded_once(name: str, target: str):
    """A module-scoped fixture grading ``target`` once for every test that reads it."""

    @pytest.fixture(scope="module", name=name)
    def fixture(lab_cfg, tmp_path_factory):
        report_dir = tmp_path_factory.mktemp(name)
        return grade(lab_cfg, target, report_dir)

    return fixture


solutions = graded_once("solutions", "solutions")
stubs = graded_once("stubs", "exercises")
sequential = graded_once("sequential", "tests.grading.fixtures.sequential")
skips_network = graded_once("skips_network", "tests.grading.fixtures.skips_network")
wrong = graded_once("wrong", "tests.grading.fixtures.wrong")


def gevent_stems(graded: Graded) -> list[str]:
    return [s for s in graded.stems if int(s[2:4]) >= 4]


# -- the reference solutions -------------------------------------------------------------
def test_every_solution_passes(solutions):
    assert solutions.stems, "no exercise found in solutions/"
    for stem in solutions.stems:
        ex = solutions.exercise(stem)
        assert ex["status"] == "passed", f"{stem}: {ex['reason']}"
        assert ex["points"] == 1
    assert solutions.returncode == 0, solutions.output
    n = len(solutions.stems)
    assert f"{n}/{n} done." in solutions.output
    assert solutions.report["points"] == solutions.report["max_points"] == n


def test_solutions_are_graded_within_a_minute(solutions):
    assert solutions.seconds < 60, f"grading every solution took {solutions.seconds:.1f} s"


def test_speed_margins_are_reported(solutions):
    """Every exercise graded by the speed rule reports its (positive) margin."""
    margins = {
        stem: min((m["margin"] for m in solutions.exercise(stem)["measures"] if "margin" in m),
                  default=None)
        for stem in gevent_stems(solutions)
    }  # fmt: skip
    assert margins.get("ex04_gevent_countdown") is not None
    for stem, margin in margins.items():
        assert margin is None or margin > 0, f"{stem}: margin {margin}"


def test_reports_are_written(solutions):
    report = solutions.report
    assert isinstance(report["seed"], int)
    assert [e["stem"] for e in report["exercises"]] == solutions.stems
    for e in report["exercises"]:
        assert set(e) >= {"number", "status", "points", "reason", "seconds", "kind"}
    cases = solutions.junit.findall(".//testcase")
    assert len(cases) == len(solutions.stems)
    assert not solutions.junit.findall(".//failure")


def test_same_seed_same_inputs(lab_cfg, solutions, tmp_path):
    """A seed printed by a run repeats its randomised inputs (greenlet exercises: fast)."""
    seed = str(solutions.report["seed"])
    assert f"--seed {seed}" in solutions.output
    again = grade(lab_cfg, "solutions", tmp_path, "02", "--seed", seed)
    assert again.report["seed"] == solutions.report["seed"]
    assert again.exercise("ex02_greenlet_pingpong")["status"] == "passed"


# -- the untouched stubs -----------------------------------------------------------------
def test_every_stub_is_not_done_yet(stubs):
    assert stubs.stems, "no exercise found in exercises/"
    for stem in stubs.stems:
        ex = stubs.exercise(stem)
        assert ex["status"] == "not-started", f"{stem}: {ex['status']} {ex['reason']}"
        assert ex["kind"] == "not-done"
        assert ex["reason"].startswith("not done yet"), ex["reason"]
    assert stubs.returncode == 1
    assert f"0/{len(stubs.stems)} done." in stubs.output
    first = stubs.stems[0]
    assert f"Next: finish exercises/{first}.py" in stubs.output
    assert f"make hint EX={first[2:4]}" in stubs.output
    assert len(stubs.junit.findall(".//failure")) == len(stubs.stems)


# -- plausible but wrong solutions ------------------------------------------------------
def test_sequential_solutions_fail_the_speed_check(sequential):
    assert sequential.stems, "no sequential fixture found"
    for stem in sequential.stems:
        ex = sequential.exercise(stem)
        assert ex["status"] == "failed", f"{stem} passed sequentially"
        assert ex["kind"] == "slow", f"{stem}: {ex['kind']}: {ex['reason']}"
        assert "|#" in ex["reason"], "the timeline bars are missing"
        assert "Likely cause:" in ex["reason"]
    assert sequential.returncode == 1


def test_sequential_fixtures_cover_every_gevent_exercise(sequential, solutions):
    assert set(gevent_stems(solutions)) <= set(sequential.stems)


def test_solutions_that_skip_the_network_fail(skips_network):
    assert skips_network.stems, "no skips_network fixture found"
    for stem in skips_network.stems:
        ex = skips_network.exercise(stem)
        assert ex["status"] == "failed", f"{stem} passed without doing its I/O"
        assert ex["kind"] in ("wrong", "too-fast"), f"{stem}: {ex['kind']}: {ex['reason']}"


def test_wrong_greenlet_solutions_fail_with_a_reason(wrong):
    for stem in wrong.stems:
        ex = wrong.exercise(stem)
        assert ex["status"] == "failed" and ex["kind"] == "wrong", f"{stem}: {ex}"
        assert ex["reason"]


def test_a_hanging_solution_fails_within_its_time_limit(lab_cfg, tmp_path):
    limit = find("06").time_limit
    graded = grade(lab_cfg, "tests.grading.fixtures.hangs", tmp_path, "06")
    ex = graded.exercise("ex06_parallel_http")
    assert ex["status"] == "failed" and ex["kind"] == "timeout"
    assert f"timed out after {limit:g} s" in ex["reason"]
    assert graded.seconds < limit + 30
    assert not running("lab.grading.inside", "fixtures/hangs"), "the hung run was left behind"


# -- the lab is left as the learner set it ----------------------------------------------
def test_grading_restores_the_learners_latency(lab_cfg, tmp_path):
    import requests

    delay_url = f"{lab_cfg.dns_control_url}/delay"
    with toxiproxy_at(lab_cfg) as tp:
        proxies_before = set(tp.proxies())
        proxy = tp.get_proxy("httpbin")
        proxy.add_toxic(type="latency", name="learner", attributes={"latency": 7})
        requests.put(delay_url, json={"delay_ms": 3}, timeout=5).raise_for_status()
        try:
            graded = grade(lab_cfg, "solutions", tmp_path, "06")
            assert graded.exercise("ex06_parallel_http")["status"] == "passed"
            toxics = {t.name: t.attributes for t in proxy.toxics().values()}
            assert toxics == {"learner": {"latency": 7, "jitter": 0}}
            assert requests.get(delay_url, timeout=5).json()["delay_ms"] == 3
            assert set(tp.proxies()) == proxies_before, "a temporary proxy was left behind"
        finally:
            proxy.destroy_toxic("learner")
            requests.put(delay_url, json={"delay_ms": 0}, timeout=5)
