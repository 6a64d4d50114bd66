"""``python -m tests.grader check``: grade exercises through pytest against the lab.

pytest runs ``grade_exercises.py`` (one test per exercise) with ``GraderPlugin`` registered;
the plugin does the grading and prints one line per exercise as it finishes, then the
progress count and the next step. pytest's own terminal output is switched off; its JUnit
XML is kept for autograders, next to our ``grade.json``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from lab import config
from tests.grader import report
from tests.grader.discovery import all_stems, resolve_target, select
from tests.grader.grade_exercises import GRADER_KEY
from tests.grader.harness import Grader, load_spec, needs_lab
from tests.grader.labsession import lab_for_grading
from tests.grader.spec import Outcome

GRADE_MODULE = Path(__file__).resolve().parent / "grade_exercises.py"


class GraderPlugin:
    """Holds the grading session; pytest calls back into it."""

    def __init__(self, grader: Grader, stems: list[str], report_dir: Path):
        self.grader, self.stems, self.report_dir = grader, stems, report_dir
        self.outcomes: list[Outcome] = []
        self.started = time.monotonic()

    def pytest_configure(self, config):
        config.stash[GRADER_KEY] = self

    def grade(self, stem: str) -> Outcome:
        try:
            outcome = self.grader.grade(stem)
        except Exception as exc:
            outcome = Outcome(
                stem[2:4],
                stem,
                stem,
                "failed",
                kind="grader-error",
                reason=f"grader error (not your fault): {type(exc).__name__}: {exc}",
            )
        self.outcomes.append(outcome)
        print(report.outcome_line(outcome), flush=True)
        return outcome

    def pytest_collectreport(self, report):
        if report.failed:  # with the terminal plugin off, nobody else would say it
            print(f"The grader could not collect the exercises:\n{report.longreprtext}")

    def pytest_sessionfinish(self, session):
        g = self.grader
        print(report.summary(self.outcomes, g.target), flush=True)
        report.write_json(
            self.report_dir / "grade.json",
            self.outcomes,
            g.target,
            g.seed,
            time.monotonic() - self.started,
        )


def run_pytest(plugin: GraderPlugin, report_dir: Path) -> int:
    args = [
        str(GRADE_MODULE),
        "-p",
        "no:terminal",
        "-p",
        "no:cacheprovider",
        "--noconftest",
        "-s",
        f"--junitxml={report_dir / 'junit.xml'}",
        "-o",
        "junit_suite_name=gevent-lab",
        "-o",
        "junit_family=xunit2",
        f"--rootdir={GRADE_MODULE.parent}",
        "-c",
        "/dev/null",
    ]
    return pytest.main(args, plugins=[plugin])


def grade_all(cfg, target, stems: list[str], seed: int, report_dir: Path) -> int:
    """Grade ``stems`` through pytest; 0 only when every one passed."""
    plugin = GraderPlugin(Grader(cfg, target, seed), stems, report_dir)
    run_pytest(plugin, report_dir)
    passed = len(plugin.outcomes) == len(stems) and all(
        o.status == "passed" for o in plugin.outcomes
    )
    return 0 if passed else 1


def check(ex: str | None, target_name: str, seed: int | None, report_dir: str) -> int:
    """Grade, print, write reports; 0 only when every graded exercise passed."""
    target = resolve_target(target_name)
    stems = select(target, ex)
    if not stems:
        known = ", ".join(s[2:4] for s in all_stems()) or "none yet"
        print(f"No exercise {ex!r} to grade in {target.where} (exercises: {known}).")
        return 2
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    out = Path(report_dir)
    cfg = config.load()
    print(f"Grading {target.where} (seed {seed}: `--seed {seed}` repeats these inputs)")
    if not any(needs_lab(load_spec(s)) for s in stems):
        return grade_all(cfg, target, stems, seed, out)  # greenlet/sleep only: no lab needed
    with lab_for_grading(cfg) as lab_cfg:
        return grade_all(lab_cfg, target, stems, seed, out)
