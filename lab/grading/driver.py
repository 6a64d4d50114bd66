"""``gevent-lab check``: grade exercises, one line per exercise, then where you stand.

It goes straight to the grading engine (lab.grading.engine), without pytest: a ``Session``
knows the graded folder, the seed and the lab (the one running, or one started for the
session: lab.grading.labsession), grades one exercise at a time and, at its end, writes
``grade.json``, ``junit.xml`` and ``index.html``. The pytest plugin (lab.grading.plugin,
``pytest lab/checks``) drives the same ``Session`` for teachers and CI, with the same
verdicts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from lab import config as lab_config
from lab import lifecycle
from lab.errors import LabError
from lab.exercises import Exercise, find
from lab.grading import early, junit, progress, repair, report
from lab.grading.engine import Grader
from lab.grading.labsession import NoLab, check_lab, lab_for_grading, running_config
from lab.grading.result import FailureKind, Outcome, Status
from lab.grading.target import Target, resolve_target
from lab.i18n import localized, t


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


class Session:
    """One grading of some exercises of one folder, with one seed, against one lab."""

    def __init__(
        self,
        target: Target,
        seed: int | None = None,
        report_dir: Path | None = None,
        say: Callable[[str], None] = print,
    ):
        self.target = target
        self.seed = seed if seed is not None else new_seed()
        self.report_dir = report_dir
        self.say = say
        self.cfg = lab_config.load()
        self.outcomes: list[Outcome] = []
        self.started = time.monotonic()
        self._lab_cfg: lab_config.LabConfig | None = None
        self._no_lab = ""  # why the lab cannot be used, once that is known
        self._started_lab = self._restarted = False
        self._stack = ExitStack()
        repair.repair(running_config(self.cfg), say)  # what a killed grading left

    def grade(self, ex: Exercise, upcoming: Exercise | None = None) -> Outcome:
        """Grade ``ex`` (starting the lab the first time one is needed) and remember it;
        ``upcoming``'s process starts as soon as ``ex``'s verdict is in (lab.grading.early)."""
        cfg = self.cfg
        if ex.needs_lab and self.target.file(ex).is_file():
            try:
                cfg = self._lab()
            except NoLab as exc:  # every exercise that needs the lab says so, none is graded
                self._no_lab = self._no_lab or str(exc.code)
        if ex.needs_lab and self._no_lab:
            outcome = Outcome(ex.code, ex.stem, localized(ex.title), Status.FAILED, self._no_lab)
            outcome.kind = FailureKind.LAB_ERROR
            self.outcomes.append(outcome)
            return outcome
        outcome = Grader(cfg, self.target, self.seed).grade(ex)
        if outcome.kind is FailureKind.LAB_ERROR and self._started_lab and self._restart_lab():
            outcome = Grader(cfg, self.target, self.seed).grade(ex)  # its verdict this time
        if upcoming is not None:  # after the verdict: nothing of its code in this one's records
            self._prestart(upcoming)
        if outcome.kind is not FailureKind.SKIPPED:
            self.outcomes.append(outcome)
            progress.record(outcome, self.target.where)
        return outcome

    def _prestart(self, ex: Exercise) -> None:
        """Start ``ex``'s learner's process now (lab.grading.early): its interpreter and
        imports (0.2-0.3 s) overlap the grader's printing and ``ex``'s own setup."""
        cfg = self.cfg
        if ex.needs_lab:  # the lab in use, else the one recorded: a guess take() checks
            cfg = self._lab_cfg or running_config(self.cfg)
        file = str(self.target.file(ex))
        early.start_for(cfg, file, ex.check_module, ex.is_greenlet, ex.time_limit)

    def _lab(self) -> lab_config.LabConfig:
        if self._lab_cfg is None:
            lab = lab_for_grading(self.cfg, say=self.say, starting=self._starting_lab)
            self._lab_cfg = self._stack.enter_context(lab)
        return self._lab_cfg

    def _starting_lab(self) -> None:
        self._started_lab = True  # none ran: this session starts (and stops) its own

    def _restart_lab(self) -> bool:
        """The lab this session started failed (a service dead or stalled): start it again,
        once (the learner's own lab is left to them: the LAB line says what to do)."""
        if self._restarted or self._lab_cfg is None:
            return False
        self._restarted = True
        self.say(t("lab.restarting"))
        try:
            lifecycle.down(self._lab_cfg)
            lifecycle.up(self._lab_cfg)
        except LabError:
            return False
        return not check_lab(self._lab_cfg)

    def close(self) -> None:
        """Stop the lab this session started (if it did), and write the reports."""
        self._stack.close()
        if self.report_dir is None:
            return
        json_path = self.report_dir / "grade.json"
        report.write_json(json_path, self.outcomes, self.target, self.seed,
                          time.monotonic() - self.started)  # fmt: skip
        junit.write(self.report_dir / "junit.xml", report.read(json_path) or self.outcomes)
        _write_static_report(self.report_dir)


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
    session = Session(target, seed, Path(report_dir))
    print(t("check.grading", where=target.where, seed=session.seed), flush=True)
    try:
        for exercise, upcoming in zip(chosen, [*chosen[1:], None], strict=True):
            outcome = session.grade(exercise, upcoming)
            if outcome.kind is not FailureKind.SKIPPED:
                print(report.outcome_line(outcome), flush=True)
    finally:
        session.close()
    if ex is None:  # every exercise: where each one stands
        print("\n" + progress.render(target.where) + "\n")
    print(report.summary(session.outcomes, target), flush=True)
    graded = session.outcomes
    return 0 if graded and all(o.status is Status.PASSED for o in graded) else 1


def _write_static_report(out: Path) -> None:
    """``index.html`` next to ``grade.json`` (lab.ui); a failure to render never fails grading."""
    try:
        from lab.ui import write_static_report

        write_static_report(out / "grade.json", out / "index.html")
    except Exception as e:
        print(f"(could not write {out / 'index.html'}: {type(e).__name__}: {e})")
