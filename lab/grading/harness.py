"""Grades one exercise: setup in this process, run in a fresh subprocess with a time limit,
verify here, and the lab put back as it was whatever happens.

``Grader(cfg, target, seed).grade(exercise) -> Outcome`` is what each graded check calls.
A check's setup/verify raising anything but GradeFailure is a "grader-error" (a bug of ours);
a lab that stops answering is a "lab-error" (see contract.Kind).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from lab.config import REPO_ROOT, LabConfig
from lab.exercises import Exercise
from lab.grading import speed
from lab.grading.context import GradeContext
from lab.grading.contract import Check, GradeFailure, Kind, Outcome, Status
from lab.grading.target import Target

OUTPUT_TAIL_LINES = 8  # of the learner's own output, shown when it crashed or hung


def load_check(ex: Exercise) -> Check:
    check: Check = importlib.import_module(ex.check_module)
    return check


@dataclass
class RunResult:
    """What came back from the learner's subprocess."""

    result: dict | None  # the runner's JSON, None if it died or was killed
    output: str  # its stdout+stderr
    timed_out: bool
    returncode: int | None


def run_isolated(cfg: LabConfig, target: Target, ex: Exercise, case: dict) -> RunResult:
    """``python -m lab.grading.runner`` in its own process group, killed at the limit."""
    time_limit = ex.time_limit
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        case_file, out_file, log_file = (Path(tmp, n) for n in ("case.json", "out.json", "log"))
        case_file.write_text(json.dumps(case))
        env = {
            **os.environ,
            **cfg.to_env(),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        cmd = [
            sys.executable,
            "-m",
            "lab.grading.runner",
            "--file",
            str(target.file(ex)),
            "--check",
            ex.check_module,
            "--case",
            str(case_file),
            "--out",
            str(out_file),
        ]
        with open(log_file, "wb") as log:
            proc = subprocess.Popen(
                cmd,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            timed_out = False
            try:
                proc.wait(timeout=time_limit)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                _kill_group(proc)
        output = log_file.read_text(errors="replace")
        result = json.loads(out_file.read_text()) if out_file.is_file() and not timed_out else None
        return RunResult(result, output, timed_out, proc.returncode)


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the learner's process group (it may have left children or threads behind)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _tail(output: str) -> str:
    lines = [ln for ln in output.rstrip().splitlines() if ln.strip()]
    return "\n".join(lines[-OUTPUT_TAIL_LINES:])


class Grader:
    """Grades exercises of one target against one lab with one seed."""

    def __init__(self, cfg: LabConfig, target: Target, seed: int):
        self.cfg, self.target, self.seed = cfg, target, seed

    def grade(self, ex: Exercise) -> Outcome:
        started = time.monotonic()
        outcome = Outcome(ex.code, ex.stem, ex.title.en, Status.FAILED)
        if not self.target.file(ex).is_file():
            outcome.status, outcome.kind = Status.NOT_STARTED, Kind.SKIPPED
            outcome.reason = f"no {self.target.display(ex)} to grade"
            return outcome
        ctx = GradeContext(self.cfg, self.seed, stem=ex.stem)
        try:
            if ex.needs_lab:
                try:
                    ctx.snapshot()
                except Exception as exc:
                    self._fail(
                        outcome,
                        Kind.LAB_ERROR,
                        f"the lab does not answer ({exc}); is "
                        "it still running? `make lab-status` tells",
                    )
                    return outcome
            self._grade(ex, ctx, outcome)
        finally:
            if ex.needs_lab and outcome.kind is not Kind.LAB_ERROR:
                self._restore(ctx, outcome)
            outcome.seconds = round(time.monotonic() - started, 3)
        return outcome

    @staticmethod
    def _restore(ctx: GradeContext, outcome: Outcome) -> None:
        """Put the learner's latency back; if that fails, say so without hiding the grade."""
        try:
            ctx.restore()
        except Exception as exc:
            outcome.details["warning"] = (
                f"could not restore the lab's latency settings "
                f"({exc}): `make lab-status` shows what is left"
            )

    def _grade(self, ex: Exercise, ctx: GradeContext, outcome: Outcome) -> None:
        check = load_check(ex)
        try:
            case = check.setup(ctx)
            run = run_isolated(self.cfg, self.target, ex, case)
            observed = self._observed(run, ex, outcome)
            if observed is None:
                return
            speed.CHECKS.clear()
            check.verify(ctx, case, observed)
        except GradeFailure as failure:
            self._fail(outcome, failure.kind, speed.explain(failure), failure)
            return
        except Exception as exc:
            self._fail(
                outcome,
                Kind.GRADER_ERROR,
                f"grader error (not your fault): {type(exc).__name__}: {exc}",
            )
            outcome.details["traceback"] = traceback.format_exc()
            return
        outcome.status = Status.PASSED
        if observed.get("timeline"):
            outcome.details["timeline"] = observed["timeline"]
        if speed.CHECKS:
            outcome.details["speed"] = list(speed.CHECKS)
            outcome.details["margin"] = min(c["margin"] for c in speed.CHECKS)

    def _observed(self, run: RunResult, ex: Exercise, outcome: Outcome) -> dict | None:
        """The check's observations, or None after recording why there are none."""
        if run.timed_out:
            tail = _tail(run.output)
            self._fail(
                outcome,
                Kind.TIMEOUT,
                f"timed out after {ex.time_limit:g} s and was stopped: something "
                "waits forever (a join on a greenlet that never ends, a get() on a "
                "queue nobody fills, a switch to a greenlet that never switches "
                "back?) or loops without ever yielding to gevent (busy-waiting)"
                + (f"\nLast output:\n{tail}" if tail else ""),
            )
            return None
        result = run.result
        if result is None:
            self._fail(
                outcome,
                Kind.CRASH,
                f"the exercise's process ended without a result (exit code "
                f"{run.returncode}): did it call sys.exit() or crash the interpreter?"
                + (f"\nLast output:\n{_tail(run.output)}" if run.output.strip() else ""),
            )
            return None
        if result["status"] == "not-done":
            outcome.status, outcome.kind = Status.NOT_STARTED, Kind.NOT_DONE
            outcome.reason = result["reason"]
            return None
        if result["status"] == "failed":
            failure = GradeFailure(
                result["reason"],
                kind=result.get("kind", Kind.CRASH),
                timeline=result.get("timeline"),
                suggestion=result.get("suggestion", ""),
            )
            reason = speed.explain(failure)
            if result.get("traceback"):
                reason += "\n" + result["traceback"].rstrip()
            self._fail(outcome, failure.kind, reason)
            return None
        return result["observed"]

    @staticmethod
    def _fail(
        outcome: Outcome, kind: Kind, reason: str, failure: GradeFailure | None = None
    ) -> None:
        outcome.status, outcome.kind, outcome.reason = Status.FAILED, kind, reason
        if failure is not None and failure.timeline:
            outcome.details["timeline"] = failure.timeline
