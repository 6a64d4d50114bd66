"""The pytest plugin that makes ``lab/checks/`` a test suite: one test per exercise.

``lab/checks/conftest.py`` loads it, so plain pytest grades the learner's folder with all of
pytest's own options and plugins::

    pytest lab/checks                          # grades exercises/
    pytest lab/checks --target solutions -x    # or any folder of exercise files
    pytest lab/checks -k ex06 --junitxml=junit.xml --seed 141876

``gevent-lab check`` runs the same suite with pytest's terminal output replaced by one line
per exercise (lab.grading.check). Each test grades one exercise with ``Grader`` (setup and
verify here, the learner's code in a subprocess); a test fails with the grader's readable
reason, and an exercise whose file the target lacks is skipped. The lab is used when it
runs, started for the session when an exercise needs it and none runs, and stopped after.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from lab import config as lab_config
from lab.exercises import CHECKS_DIR, Exercise, find
from lab.grading import progress, repair, report
from lab.grading.contract import Kind, Outcome, Status
from lab.grading.harness import Grader, title_of
from lab.grading.labsession import NoLab, lab_for_grading, running_config
from lab.grading.target import Target, resolve_target
from lab.i18n import t

CHECK_FILE = re.compile(r"^ex\d\d_\w+\.py$")


class Grading:
    """One pytest session's grading: target, seed, the lab, and every outcome so far."""

    def __init__(self, pytest_config: pytest.Config):
        opt = pytest_config.option
        self.target: Target = resolve_target(opt.lab_target)
        self.seed: int = (
            opt.lab_seed
            if opt.lab_seed is not None
            else random.SystemRandom().randrange(1, 1_000_000)
        )
        self.report_dir: Path | None = Path(opt.lab_report_dir) if opt.lab_report_dir else None
        self.cfg = lab_config.load()
        self.outcomes: list[Outcome] = []
        self.started = time.monotonic()
        self.say: Callable[[str], None] = print
        self._lab_cfg: lab_config.LabConfig | None = None
        self._no_lab = ""  # why the lab cannot be used, once that is known
        self._stack = ExitStack()
        repair.repair(running_config(self.cfg), self.say)  # what a killed grading left

    def grade(self, ex: Exercise) -> Outcome:
        try:
            cfg = self._lab() if ex.needs_lab and self.target.file(ex).is_file() else self.cfg
        except NoLab as exc:  # every exercise that needs the lab says so, none is graded
            self._no_lab = self._no_lab or str(exc.code)
        if ex.needs_lab and self._no_lab:
            outcome = Outcome(ex.code, ex.stem, title_of(ex), Status.FAILED, self._no_lab)
            outcome.kind = Kind.LAB_ERROR
            self.outcomes.append(outcome)
            return outcome
        outcome = Grader(cfg, self.target, self.seed).grade(ex)
        if outcome.kind is not Kind.SKIPPED:
            self.outcomes.append(outcome)
            progress.record(outcome, self.target.where)
        return outcome

    def _lab(self):
        """The lab's config, starting one for this session the first time one is needed."""
        if self._lab_cfg is None:
            self._lab_cfg = self._stack.enter_context(lab_for_grading(self.cfg, say=self.say))
        return self._lab_cfg

    def close(self) -> None:
        """Stop the lab this session started (if it did), and write the report."""
        self._stack.close()
        if self.report_dir is not None:
            report.write_json(
                self.report_dir / "grade.json",
                self.outcomes,
                self.target,
                self.seed,
                time.monotonic() - self.started,
            )


GRADING = pytest.StashKey[Grading]()


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
        if outcome.kind is Kind.SKIPPED:
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
    config.stash[GRADING] = Grading(config)
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
