"""The result model, end to end, against golden files (as Exercism's test runners keep an
expected ``results.json`` per example): a real grading of one exercise per outcome kind,
its ``grade.json`` entry read back through ``result.Outcome``, normalized (numbers, seeds
and times masked; lanes counted), compared with ``tests/grading/golden/<case>.json``.

``UPDATE_GOLDEN=1`` rewrites the files from what the grader says now (then read the diff).
A grader error has no golden file: nothing a learner's file does can cause one (it is a
bug of ours), and a test that planted one would test the plant.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lab.config import REPO_ROOT
from lab.grading.result import Outcome
from lab.net import free_port

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden"
CASES = {  # case: (target, exercise); every one graded with the same seed
    "passed": ("solutions", "06"),
    "not-done": ("exercises", "01"),
    "wrong": ("tests.grading.fixtures.bypass", "06"),
    "slow": ("tests.grading.fixtures.sequential", "04"),
    "too-fast": ("tests.grading.fixtures.too_fast", "04"),
    "crash": ("tests.grading.fixtures.crashes", "01"),
    "timeout": ("tests.grading.fixtures.golden_timeout", "01"),
    "lab-error": ("solutions", "06"),  # graded against a lab that is only partly there
}
SEED = "4242"


def normalized(entry: dict) -> dict:
    """What must not change between two gradings of the same file with the same seed."""
    o = Outcome.from_json(entry).to_json()

    def mask(text: str) -> str:  # numbers, and which example a message names (order varies)
        return re.sub(r"\d+", "#", re.sub(r"\(e\.g\. [^)]*\)", "(e.g. ...)", text))

    return {
        "number": o["number"],
        "stem": o["stem"],
        "status": o["status"],
        "kind": o["kind"],
        "points": o["points"],
        "reason": mask(o["reason"].partition("\n")[0]),
        "evidence": mask(o["evidence"]),
        "measures": [
            {k: (mask(str(v)) if isinstance(v, int | float) else v) for k, v in m.items()}
            for m in o["measures"]
        ],
        "calls": bool(o["calls"]),
        "lab": bool(o["lab"]),
        "notes": [mask(n) for n in o["notes"]],
    }


def graded(case: str, lab_cfg, tmp_path) -> dict:
    target, exercise = CASES[case]
    env = {**os.environ, **lab_cfg.to_env()}
    if case == "lab-error":  # a lab whose Toxiproxy is not there: partly up, not graded
        env |= {"LAB_TOXIPROXY_PORT": str(free_port()), "LAB_STATE_DIR": str(tmp_path / "st")}
    subprocess.run(
        [sys.executable, "-m", "lab", "check", exercise, "--target", target, "--seed", SEED,
         "--report-dir", str(tmp_path)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    report = json.loads((tmp_path / "grade.json").read_text())
    (entry,) = report["exercises"]
    return entry


@pytest.mark.parametrize("case", list(CASES))
def test_the_outcome_of_each_kind_matches_its_golden_file(case, lab_cfg, tmp_path):
    got = normalized(graded(case, lab_cfg, tmp_path))
    path = GOLDEN / f"{case}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(path.read_text()), json.dumps(got, indent=2, ensure_ascii=False)
    assert (got["kind"] or "passed") == case or (case == "passed" and got["kind"] is None)
