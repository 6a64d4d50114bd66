"""``gevent-lab check``: grade exercises through pytest, one line per exercise.

It runs the suite of ``lab/checks/`` (see lab.grading.plugin) with pytest's terminal output
replaced by ``LinePrinter``: one line per exercise as it finishes, then the progress count
and the next step. pytest's JUnit XML is kept for autograders, next to ``grade.json``; both
hold every exercise's last result (lab.grading.junit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import LabError
from lab.exercises import CHECKS_DIR, find
from lab.grading import junit, progress, report
from lab.grading.contract import Kind, Outcome, Status
from lab.grading.plugin import GRADING, ExerciseItem
from lab.grading.target import resolve_target
from lab.i18n import t


class LinePrinter:
    """pytest plugin: the learner's view of a grading session."""

    def __init__(self, whole: bool = False) -> None:
        self.outcomes: list[Outcome] = []
        self.whole = whole  # every exercise was asked for: show the progress list too

    def pytest_configure(self, config: pytest.Config) -> None:
        g = config.stash[GRADING]
        print(t("check.grading", where=g.target.where, seed=g.seed))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:  # with the terminal plugin off, nobody else would say it
            print(t("check.collect_failed", text=report.longreprtext))

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        outcome = getattr(item, "outcome", None)
        if isinstance(item, ExerciseItem) and outcome and outcome.kind is not Kind.SKIPPED:
            print(report.outcome_line(outcome), flush=True)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        g = session.config.stash[GRADING]
        self.outcomes = g.outcomes
        if self.whole:
            print("\n" + progress.render(g.target.where) + "\n")
        print(report.summary(g.outcomes, g.target), flush=True)


def check(ex: str | None, target_name: str, seed: int | None, report_dir: str) -> int:
    """Grade, print, write reports; 0 only when every graded exercise passed."""
    target = resolve_target(target_name)
    chosen = [find(ex)] if ex else target.present()
    missing = [e for e in chosen if not target.file(e).is_file()]
    if missing or not chosen:
        what = (
            target.display(missing[0]) if missing else t("check.exercise_files", where=target.where)
        )
        raise LabError(t("check.nothing", what=what), t("check.nothing_fix"))
    out = Path(report_dir)
    args = [
        *(str(CHECKS_DIR / f"{e.stem}.py") for e in chosen),
        "-p", "no:terminal", "-p", "no:cacheprovider", "-s",
        "-c", "/dev/null", f"--rootdir={CHECKS_DIR}",
        f"--junitxml={out / 'junit.xml'}", "-o", "junit_suite_name=gevent-lab",
        "-o", "junit_family=xunit2",
        # "--opt=value": pytest takes a lone path argument for a test path and would load
        # the conftest.py files beside it (a target under tests/ loaded the project's own);
        # --confcutdir keeps every conftest but lab/checks' out.
        f"--confcutdir={CHECKS_DIR}", f"--target={target.path}", f"--report-dir={out}",
        *([f"--seed={seed}"] if seed is not None else []),
    ]  # fmt: skip
    printer = LinePrinter(whole=ex is None)
    previous = junit.read(out / "junit.xml")
    code = pytest.main(args, plugins=[printer])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return 2  # pytest itself could not run (it said why)
    graded = printer.outcomes
    junit.merge(out / "junit.xml", previous, report.stems(out / "grade.json"))
    _write_static_report(out)
    return 0 if graded and all(o.status is Status.PASSED for o in graded) else 1


def _write_static_report(out: Path) -> None:
    """``index.html`` next to ``grade.json`` (lab.ui); a failure to render never fails grading."""
    try:
        from lab.ui import write_static_report

        write_static_report(out / "grade.json", out / "index.html")
    except Exception as e:
        print(f"(could not write {out / 'index.html'}: {type(e).__name__}: {e})")
