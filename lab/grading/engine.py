"""Grades one exercise: ``Grader(cfg, target, seed).grade(exercise) -> Outcome``.

1. the learner's process is started at once (its interpreter starts meanwhile);
2. the check's ``setup`` sets the lab up (latency, inputs: lab.grading.context); the lab's
   settings and records are noted;
3. the case is handed over and the learner's code runs, watched from outside
   (lab.grading.process); a check with ``drive`` talks to it meanwhile;
4. what the lab's servers saw is collected (lab.grading.evidence); the rules that hold for
   every exercise are applied (no process, no thread, the lab unchanged, the records whole);
5. the check's ``verify`` judges the answers and the concurrency from what the lab saw and
   returns what it measured;
6. the lab's settings are put back, whatever happened.

A check's setup/verify raising anything but GradeFailure is a "grader-error" (a bug of
ours); a lab that stops answering, or restarts, is a "lab-error" (result.FailureKind).
"""

from __future__ import annotations

import importlib
import time
import traceback
from typing import Any

from lab import health
from lab.config import LabConfig
from lab.errors import LabError
from lab.exercises import Exercise
from lab.grading import early, events, evidence, phases, report, rules, side_proxy
from lab.grading.context import GradeContext
from lab.grading.contract import Check, GradeFailure
from lab.grading.inside.noprocs import KILLED_BY
from lab.grading.process import Learner, RunResult
from lab.grading.result import Bar, FailureKind, Outcome, RunnerResult, Status
from lab.grading.target import Target
from lab.i18n import localized, t

OUTPUT_TAIL_LINES = 8  # of the learner's own output, shown when it crashed or hung
ATTEMPTS = 2  # a run the lab could not witness (records lost, a service stalled): once more
# A service whose loop did not run for this long while the learner's code ran was stalled
# (its heartbeat beats every 0.1 s; a busy 2-core machine delays it by tens of ms).
STALL_S = 1.0


class _Unwitnessed(Exception):
    """The lab could not witness the run as it should: graded once more, then the reason
    is the verdict (``kind``)."""

    def __init__(self, reason: str, kind: FailureKind):
        super().__init__(reason)
        self.reason, self.kind = reason, kind


def load_check(ex: Exercise) -> Check:
    check: Check = importlib.import_module(ex.check_module)
    return check


def public_case(case: dict) -> dict:
    """What the learner's process may see of a case: keys starting with ``_`` stay here
    (expected answers, which URL is the slow one, ...)."""
    return {k: v for k, v in case.items() if not k.startswith("_")}


def threads_during(calls: events.Calls, samples: list[tuple[float, int]]) -> int | None:
    """The most OS threads the learner's process had while its timed calls ran."""
    spans = [s for s in calls.spans.values() if s.end is not None]
    if not spans:
        return None
    begin, end = min(s.begin for s in spans), max(s.end for s in spans if s.end is not None)
    return max((n for at, n in samples if begin <= at <= end), default=None)


def _tail(output: str) -> str:
    lines = [ln for ln in output.rstrip().splitlines() if ln.strip()]
    return "\n".join(lines[-OUTPUT_TAIL_LINES:])


class Grader:
    """Grades exercises of one target against one lab with one seed."""

    def __init__(self, cfg: LabConfig, target: Target, seed: int):
        self.cfg, self.target, self.seed = cfg, target, seed

    def grade(self, ex: Exercise) -> Outcome:
        started = time.monotonic()
        outcome = Outcome(ex.code, ex.stem, localized(ex.title), Status.FAILED, seed=self.seed)
        if not self.target.file(ex).is_file():
            outcome.status, outcome.kind = Status.NOT_STARTED, FailureKind.SKIPPED
            outcome.reason = t("grade.no_file", file=self.target.display(ex))
            return outcome
        for attempt in range(ATTEMPTS):
            try:
                self._attempt(ex, outcome)
                break
            except _Unwitnessed as lost:
                if attempt == ATTEMPTS - 1:
                    self._fail(outcome, lost.kind, lost.reason)
        outcome.seconds = round(time.monotonic() - started, 3)
        phases.report()
        failed = outcome.status is Status.FAILED and outcome.kind is not FailureKind.LAB_ERROR
        if ex.needs_lab and failed:
            self._blame_the_lab_if_it_failed(outcome)
        if outcome.status is Status.FAILED and outcome.kind is not FailureKind.LAB_ERROR:
            if line := report.blocked_line(outcome.blocked):
                outcome.reason = f"{line}\n{outcome.reason}"  # the cause first
        return outcome

    def _attempt(self, ex: Exercise, outcome: Outcome) -> None:
        """One grading of ``ex`` into ``outcome``; the lab is put back whatever happens."""
        phases.start(ex.code)
        check = load_check(ex)
        ctx = GradeContext(self.cfg, self.seed, stem=ex.stem)
        if ex.needs_lab:
            try:  # the lab as the learner left it, before any of their code runs
                silent = health.silent(self.cfg)
                if silent:
                    raise RuntimeError(", ".join(silent))
                ctx.snapshot()
                phases.mark("snapshot")
            except Exception as exc:
                self._fail(outcome, FailureKind.LAB_ERROR, t("lab.down", what=exc))
                return
        if getattr(check, "EXTRA_PROXIES", False) and not ctx.extras_on_lab:
            side_proxy.warm()  # starts while the learner's process does
        # Started now: its interpreter and the learner's imports run while setup does.
        args = (str(self.target.file(ex)), ex.check_module, ex.is_greenlet, ex.time_limit)
        learner = early.take(self.cfg, *args) or Learner(self.cfg, *args)
        phases.mark("learner started")
        try:
            self._grade(ex, check, ctx, learner, outcome)
        finally:
            learner.abandon()  # if it was never run (setup failed): stop it all the same
            if ex.needs_lab and outcome.kind is not FailureKind.LAB_ERROR:
                self._restore(ctx, outcome)
                phases.mark("lab restored")

    def _blame_the_lab_if_it_failed(self, outcome: Outcome) -> None:
        """A service that died or hung during the exercise makes it a lab error, not the
        learner's failure (health probes: about 2 s at most, in parallel)."""
        down = [
            f"{name} ({c.detail})" for name, c in health.probe(self.cfg).items() if not c.answers
        ]
        if down:
            outcome.kind = FailureKind.LAB_ERROR
            outcome.reason = t("lab.stopped_answering", down=", ".join(down))

    @staticmethod
    def _restore(ctx: GradeContext, outcome: Outcome) -> None:
        """Put the learner's latency back; if that fails, say so without hiding the grade."""
        try:
            ctx.restore()
        except Exception as exc:
            outcome.warning = t("restore.failed", error=exc)

    def _grade(
        self, ex: Exercise, check: Check, ctx: GradeContext, learner: Learner, outcome: Outcome
    ) -> None:
        try:
            case = check.setup(ctx)
            phases.mark("setup")
            settings = ctx.settings() if ex.needs_lab else None
            if settings is not None:  # as the grader set it (the learner's module loads meanwhile)
                rules.require_unchanged(ctx.as_set(), settings)
                phases.mark("settings")
            ctx.settle()  # the grader's own requests to httpbin are not the run's
            marks = evidence.mark(self.cfg, ctx.side_api()) if ex.needs_lab else None
            phases.mark("records marked")
            learner.lab_ports = set(self.cfg.ports().values()) | ctx.extra_ports()
            drive = getattr(check, "drive", None)
            if drive is not None:
                learner.on_begin = lambda: drive(ctx, case)
            since = time.time()
            run = learner.run(public_case(case), ex.time_limit)
            phases.mark("run")
            if ex.needs_lab:
                self._require_lab_awake(since)
                phases.mark("heartbeats")
            seen = evidence.Seen(run.calls, driven=run.driven, at_end=run.at_end)
            if marks is not None and settings is not None:
                seen.record = evidence.collect(marks)
                phases.mark("records read")
                seen.delivery = evidence.Delivery.of(settings["toxics"].get("httpbin", []))
            self._pictures(outcome, seen)
            result = self._observed(run, ex, outcome)
            if result is None:
                return
            observed, late = result
            self._whole_run(run, seen, ctx, settings, outcome)
            phases.mark("whole-run rules")
            measures = check.verify(ctx, case, observed, seen)
            phases.mark("verify")
        except GradeFailure as failure:
            self._fail(outcome, failure.kind, report.explain(failure, outcome))
            return
        except _Unwitnessed:
            raise
        except LabError as exc:  # a lab call past its deadline (lab.control): the lab's fault
            self._fail(outcome, FailureKind.LAB_ERROR, t("lab.down", what=exc))
            return
        except Exception as exc:
            self._fail(
                outcome,
                FailureKind.GRADER_ERROR,
                t("grader_error", error=f"{type(exc).__name__}: {exc}"),
            )
            outcome.traceback = traceback.format_exc()
            return
        outcome.status, outcome.kind, outcome.reason = Status.PASSED, None, ""
        outcome.measures = list(measures or [])
        outcome.evidence = report.evidence_line(outcome.measures)
        floors = [m.floor for m in outcome.measures if m.floor is not None]
        outcome.floor = floors[0] if floors else None
        lesson = getattr(check, "lesson_s", None)
        outcome.lesson_s = round(lesson(case), 3) if lesson else outcome.floor
        if late:  # it worked; say why, and when it would not have
            outcome.notes.append(t("late_patch", modules=", ".join(late)))

    def _whole_run(
        self,
        run: RunResult,
        seen: evidence.Seen,
        ctx: GradeContext,
        settings: dict | None,
        outcome: Outcome,
    ) -> None:
        """The rules every exercise is held to, before its own."""
        rules.require_no_processes(run.children, killed_for_forking=False)
        rules.require_no_leftovers(run.leftovers)
        if settings is not None:
            rules.require_unchanged(settings, ctx.settings())
        outcome.threads = threads_during(run.calls, run.threads)
        rules.require_one_thread(outcome.threads)
        record = seen.record
        if record is not None and record.restarted:
            raise GradeFailure(
                t("lab.restarted", what=", ".join(record.restarted)), FailureKind.LAB_ERROR
            )
        if record is not None and record.lost:
            what = "; ".join(record.lost)
            raise _Unwitnessed(t("lab.record_lost", what=what), FailureKind.WRONG)

    def _require_lab_awake(self, since: float) -> None:
        """Every service of the lab ran all along the learner's run (wall time ``since``):
        a stalled, dead or restarted one could not witness it (lab.health.stalls)."""
        stalled = {n: gap for n, gap in health.stalls(self.cfg, since).items() if gap >= STALL_S}
        if stalled:
            what = ", ".join(
                t("lab.stall", name=n, seconds=gap) if gap != float("inf") else n
                for n, gap in stalled.items()
            )
            raise _Unwitnessed(t("lab.stalled", what=what), FailureKind.LAB_ERROR)

    @staticmethod
    def _pictures(outcome: Outcome, seen: evidence.Seen) -> None:
        """The learner's calls and what the lab saw, in seconds from the call's start."""
        spans = list(seen.calls.spans.values())
        if not spans:
            return
        span = seen.calls.main or spans[0]
        origin = span.begin

        def rel(x: float | None) -> float | None:
            return None if x is None else round(x - origin, 4)

        outcome.calls = [Bar(u.label, rel(u.start) or 0.0, rel(u.end)) for u in span.units]
        record = seen.record
        if record is not None:
            paths = {e["path"] for e in record.http if e["path"]}
            names = {e["name"] for e in record.dns}
            lanes = seen.http(paths) + seen.dns(names)
            outcome.lab = [
                Bar(lane.label, rel(lane.start) or 0.0, rel(lane.end), lane.via)
                for lane in sorted(lanes, key=lambda lane: lane.start)
            ]

    def _observed(
        self, run: RunResult, ex: Exercise, outcome: Outcome
    ) -> tuple[dict, list[str]] | None:
        """The check's observations and the modules imported before gevent's patch, or
        None after recording why there are none."""
        outcome.blocked, outcome.switches = run.calls.blocked, run.calls.switches
        if run.timed_out:
            tail = _tail(run.output)
            self._fail(
                outcome,
                FailureKind.TIMEOUT,
                t("timeout", limit=ex.time_limit)
                + ("\n" + t("last_output", tail=tail) if tail else ""),
            )
            return None
        if run.returncode == -KILLED_BY:  # only the no-fork filter kills with SIGSYS
            rules.require_no_processes([], killed_for_forking=True)
        if run.calls.tampered:
            raise GradeFailure(t("channel.tampered", what=run.calls.tampered), FailureKind.WRONG)
        if run.calls.result is None:
            self._fail(
                outcome,
                FailureKind.CRASH,
                t("no_result", code=run.returncode)
                + ("\n" + t("last_output", tail=_tail(run.output)) if run.output.strip() else ""),
            )
            return None
        try:
            result = RunnerResult.from_json(run.calls.result)
        except TypeError:
            raise GradeFailure(t("channel.tampered", what="result"), FailureKind.WRONG) from None
        return self._result(result, outcome)

    def _result(self, result: RunnerResult, outcome: Outcome) -> tuple[dict, list[str]] | None:
        if result.status == "not-done":
            outcome.status, outcome.kind = Status.NOT_STARTED, FailureKind.NOT_DONE
            outcome.reason = result.reason
            return None
        if result.status != "ok":
            failure = GradeFailure(
                result.reason, kind=result.kind or FailureKind.CRASH, suggestion=result.suggestion
            )
            reason = report.explain(failure, outcome)
            if result.traceback:
                reason += "\n" + result.traceback.rstrip()
            self._fail(outcome, failure.kind, reason)
            return None
        observed: dict[str, Any] = result.observed or {}
        return observed, list(result.late_patch)

    @staticmethod
    def _fail(outcome: Outcome, kind: FailureKind, reason: str) -> None:
        outcome.status, outcome.kind, outcome.reason = Status.FAILED, kind, reason
