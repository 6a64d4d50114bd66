"""The pytest plugin that makes ``lab/checks/`` a test suite: one test per exercise.

``lab/checks/conftest.py`` loads it, so plain pytest grades the learner's folder with all of
pytest's own options and plugins (teachers, CI, GitHub Classroom's autograder)::

    pytest lab/checks                                        # grades exercises/
    pytest lab/checks --confcutdir=lab/checks --target=solutions -x
    pytest lab/checks -k ex06 --junitxml=junit.xml --seed=141876

Each test grades one exercise through the same ``Session`` as ``gevent-lab check``
(lab.grading.driver, which needs no pytest): the same verdicts. A test fails with the
grader's readable reason; an exercise whose file the target lacks is skipped. The lab is
used when it runs, started for the session when an exercise needs it and none runs, and
stopped after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lab.exercises import CHECKS_DIR, Exercise, find
from lab.grading import report
from lab.grading.driver import Session
from lab.grading.result import FailureKind, Outcome, Status
from lab.grading.target import Target, resolve_target
from lab.i18n import t

CHECK_FILE = re.compile(r"^ex\d\d_\w+\.py$")


def _session(pytest_config: pytest.Config) -> Session:
    opt = pytest_config.option
    report_dir = Path(opt.lab_report_dir) if opt.lab_report_dir else None
    return Session(resolve_target(opt.lab_target), opt.lab_seed, report_dir)


GRADING = pytest.StashKey[Session]()


class ExerciseFailed(Exception):
    """Raised by a test whose exercise did not pass; pytest shows the grader's reason."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.reason)
        self.outcome = outcome


class ExerciseItem(pytest.Item):
    """The test that grades one exercise."""

    def __init__(self, *, exercise: Exercise, **kwargs: Any):
        super().__init__(**kwargs)
        self.exercise = exercise
        self.outcome: Outcome | None = None

    def runtest(self) -> None:
        self.outcome = outcome = self.config.stash[GRADING].grade(self.exercise)
        self.user_properties += [("status", str(outcome.status)), ("seconds", outcome.seconds)]
        if outcome.kind is FailureKind.SKIPPED:
            pytest.skip(outcome.reason)
        if outcome.status is not Status.PASSED:
            raise ExerciseFailed(outcome)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExerciseFailed):
            return report.outcome_line(excinfo.value.outcome).strip()
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"exercise {self.exercise.code}: {self.exercise.title.en}"


class CheckFile(pytest.File):
    """``lab/checks/exNN_<slug>.py``: one exercise's check."""

    def collect(self) -> Iterator[ExerciseItem]:
        ex = find(self.path.stem)
        yield ExerciseItem.from_parent(self, name=ex.stem, exercise=ex)


# -- hooks (re-exported by lab/checks/conftest.py) ----------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gevent-lab", "grading gevent-lab exercises")
    group.addoption(
        "--target",
        dest="lab_target",
        default="exercises",
        help="folder of exercise files to grade (default: exercises)",
    )
    group.addoption(
        "--seed", dest="lab_seed", type=int, default=None, help="repeat a run's random inputs"
    )
    group.addoption(
        "--report-dir", dest="lab_report_dir", default=None, help="write grade.json there"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[GRADING] = _session(config)
    refuse_foreign_conftests(config, config.stash[GRADING].target)


def refuse_foreign_conftests(config: pytest.Config, target: Target) -> None:
    """Grade nothing when pytest loaded a conftest.py from the graded folder.

    pytest takes the value of ``--target DIR`` (two words) for a test path too, and loads
    the conftest.py files beside it: a learner's conftest could then turn every failure
    into a pass. ``gevent-lab check`` passes ``--target=DIR --confcutdir=lab/checks``;
    plain pytest is told to do the same.
    """
    root = target.path.resolve()
    for plugin in config.pluginmanager.get_plugins():
        file = getattr(plugin, "__file__", None)
        if file and Path(file).name == "conftest.py" and Path(file).resolve().is_relative_to(root):
            raise pytest.UsageError(t("plugin.foreign_conftest", file=file, target=target.where))


def pytest_report_header(config: pytest.Config) -> str:
    g = config.stash[GRADING]
    return t("plugin.header", where=g.target.where, seed=g.seed)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CheckFile | None:
    if file_path.parent == CHECKS_DIR and CHECK_FILE.match(file_path.name):
        return CheckFile.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    grading = session.config.stash.get(GRADING, None)
    if grading is not None:
        grading.close()
