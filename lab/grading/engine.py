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
import secrets
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass

from lab import health
from lab.config import REPO_ROOT, LabConfig
from lab.exercises import Exercise
from lab.grading import blocking, channel, containment, evidence, speed
from lab.grading.context import GradeContext
from lab.grading.contract import Check, GradeFailure, Kind, Outcome, Status
from lab.grading.target import Target
from lab.i18n import lang, t

OUTPUT_TAIL_LINES = 8  # of the learner's own output, shown when it crashed or hung


def load_check(ex: Exercise) -> Check:
    check: Check = importlib.import_module(ex.check_module)
    return check


def lab_down(what: object) -> str:
    return t("lab.down", what=what)


OUTPUT_KEEP_BYTES = 64 * 1024  # of the learner's output, kept in memory (the last part)


@dataclass
class RunResult:
    """What came back from the learner's subprocess."""

    result: dict | None  # the runner's result, None if it died or was killed
    output: str  # the last OUTPUT_KEEP_BYTES of its stdout+stderr
    output_bytes: int  # how much it printed in all
    timed_out: bool
    returncode: int | None
    events: list[channel.Event]
    threads: list[tuple[float, int]]  # (grader's clock, OS threads of the learner's process)
    leftovers: list[containment.Leftover]  # processes it left running, killed since


class _ThreadWatch:
    """Counts the learner process's OS threads from outside (/proc) every few ms."""

    INTERVAL_S = 0.002

    def __init__(self, pid: int):
        self.pid, self._stop = pid, threading.Event()
        self.samples: list[tuple[float, int]] = []
        self.thread = threading.Thread(target=self._poll, name="thread-watch", daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        tasks = f"/proc/{self.pid}/task"
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), len(os.listdir(tasks))))
            except OSError:
                return
            self._stop.wait(self.INTERVAL_S)

    def stop(self) -> list[tuple[float, int]]:
        self._stop.set()
        self.thread.join(1)
        return self.samples


class _Output:
    """Reads a pipe in a thread, keeping only the last ``keep`` bytes and the total size."""

    def __init__(self, pipe, keep: int = OUTPUT_KEEP_BYTES):
        self.pipe, self.keep, self.size, self.tail = pipe, keep, 0, b""
        self.thread = threading.Thread(target=self._read, name="learner-output", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := self.pipe.read1(65536):
            self.size += len(chunk)
            self.tail = (self.tail + chunk)[-self.keep :]

    def text(self) -> str:
        self.thread.join(5)
        text = self.tail.decode(errors="replace")
        if self.size > self.keep:
            text = t("output.cut", size=f"{self.size:,}", keep=f"{self.keep:,}") + "\n" + text
        return text


def run_isolated(cfg: LabConfig, target: Target, ex: Exercise, case: dict) -> RunResult:
    """``python -m lab.grading.runner`` in its own process group, killed at the limit.

    The case (without its private ``_`` keys) and the channel's descriptor and token go
    over stdin; results and timing events come back on the channel (lab.grading.channel).
    """
    env = {**os.environ, **cfg.to_env(), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # gevent's default resolver runs look-ups in a pool of OS threads; the blocking one runs
    # none, so every thread seen during the call is the learner's (the lab's addresses are
    # numeric: nothing waits). use_lab_dns() still switches ex07 to c-ares, which has none.
    env["GEVENT_RESOLVER"] = "block"
    env["LAB_LANG"] = lang()  # failure reasons built in the learner's process speak it too
    env[containment.MARK] = marker = containment.mark()
    containment.become_subreaper()
    known = containment.children()
    cmd = [sys.executable, "-m", "lab.grading.runner", "--file", str(target.file(ex)),
           "--check", ex.check_module]  # fmt: skip
    read_fd, write_fd = os.pipe()
    listener = channel.Listener(read_fd, secrets.token_hex(16))
    listener.start()
    try:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, pass_fds=(write_fd,), start_new_session=True,
            preexec_fn=containment.die_with_parent,
        )  # fmt: skip
    finally:
        os.close(write_fd)  # the runner holds the only write end now
    output = _Output(proc.stdout)
    threads = _ThreadWatch(proc.pid)
    handover = {"case": public_case(case), "fd": write_fd, "token": listener.token}
    timed_out = False
    try:
        assert proc.stdin is not None
        with proc.stdin:
            proc.stdin.write(json.dumps(handover).encode())
        proc.wait(timeout=ex.time_limit)
    except subprocess.TimeoutExpired:
        timed_out = True
    except BrokenPipeError:
        proc.wait(timeout=ex.time_limit)
    finally:
        thread_samples = threads.stop()
        _kill_group(proc)
        leftovers = containment.reap(marker, known)
    listener.join()
    text = output.text()
    result = None if timed_out else listener.first("result")
    return RunResult(
        result.data["result"] if result else None,
        text,
        output.size,
        timed_out,
        proc.returncode,
        listener.events,
        thread_samples,
        leftovers,
    )


def apply_events(observed: dict, events: list[channel.Event]) -> None:
    """Times measured by the grader from the channel's events, in place of the learner
    process's own: ``observed["spans"][name] = {"elapsed", "timeline"}`` for every timed
    call, and ``observed["elapsed"]``/``["timeline"]`` for the one named "call".

    Timeline entries are seconds from their call's "begin"; a unit that never finished has
    ``end`` None; one that finished after the call returned has ``end`` > ``elapsed``.
    """
    spans: dict[str, dict] = {}
    units: dict[int, dict] = {}
    for e in events:
        name = str(e.data.get("span", "call"))
        if e.name == "begin":
            spans[name] = {"begin": e.at, "end": None, "units": []}
        elif e.name == "end" and name in spans:
            spans[name]["end"] = e.at
        elif e.name == "unit+" and name in spans:
            unit = {"label": str(e.data.get("label")), "start": e.at, "end": None}
            units[int(e.data.get("id", 0))] = unit
            spans[name]["units"].append(unit)
        elif e.name == "unit-" and int(e.data.get("id", 0)) in units:
            units[int(e.data["id"])]["end"] = e.at
    observed["spans"] = {}
    for name, span in spans.items():
        begin, end = span["begin"], span["end"]
        timeline = [
            {
                "label": u["label"],
                "start": round(u["start"] - begin, 4),
                "end": None if u["end"] is None else round(u["end"] - begin, 4),
            }
            for u in span["units"]
        ]
        elapsed = None if end is None else round(end - begin, 4)
        observed["spans"][name] = {"elapsed": elapsed, "timeline": timeline}
        if name == "call":
            observed["elapsed"], observed["timeline"] = elapsed, timeline


def require_unchanged(before: dict, after: dict) -> None:
    """Fail when the lab's toxics or DNS delay changed while the learner's code ran."""
    changed = [
        t(
            "lab.changed_proxy",
            name=repr(name),
            before=_describe(before["toxics"].get(name)),
            after=_describe(toxics),
        )
        for name, toxics in after["toxics"].items()
        if before["toxics"].get(name) != toxics
    ] + [
        t("lab.changed_deleted", name=name)
        for name in before["toxics"]
        if name not in after["toxics"]
    ]
    if before["dns_delay"] != after["dns_delay"]:
        changed.append(t("lab.changed_dns", before=before["dns_delay"], after=after["dns_delay"]))
    if changed:
        raise GradeFailure(t("lab.changed", changes="; ".join(changed)), kind=Kind.WRONG)


def _describe(toxics: list | None) -> str:
    if not toxics:
        return t("cli.no_toxics")
    return ", ".join(f"{x.type} {x.attributes}" for x in toxics)


def threads_during(events: list[channel.Event], samples: list[tuple[float, int]]) -> int | None:
    """The most OS threads the learner's process had while its timed call ran."""
    begin = next((e.at for e in events if e.name == "begin"), None)
    end = max((e.at for e in events if e.name == "end"), default=None)
    if begin is None or end is None:
        return None
    during = [n for at, n in samples if begin <= at <= end]
    return max(during, default=None)


def require_no_leftovers(leftovers: list[containment.Leftover]) -> None:
    """Processes the exercise left running after it returned fail it (they were killed)."""
    if leftovers:
        raise GradeFailure(t("leftovers", n=len(leftovers), first=leftovers[0]), kind=Kind.WRONG)


def require_one_thread(threads: int | None) -> None:
    """The lesson is greenlets: work done by OS threads fails, whatever made them."""
    if threads is not None and threads > 1:
        raise GradeFailure(t("threads", n=threads), kind=Kind.WRONG)


def title_of(ex: Exercise) -> str:
    """The exercise's title in the learner's language."""
    return ex.title.vi if lang() == "vi" else ex.title.en


def public_case(case: dict) -> dict:
    """What the learner's process may see of a case: keys starting with ``_`` stay here
    (expected answers, which URL is the slow one, ...)."""
    return {k: v for k, v in case.items() if not k.startswith("_")}


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
        outcome = Outcome(ex.code, ex.stem, title_of(ex), Status.FAILED)
        if not self.target.file(ex).is_file():
            outcome.status, outcome.kind = Status.NOT_STARTED, Kind.SKIPPED
            outcome.reason = t("grade.no_file", file=self.target.display(ex))
            return outcome
        ctx = GradeContext(self.cfg, self.seed, stem=ex.stem)
        try:
            if ex.needs_lab:
                try:
                    silent = health.silent(self.cfg)
                    if silent:
                        raise RuntimeError(", ".join(silent))
                    ctx.snapshot()
                except Exception as exc:
                    self._fail(outcome, Kind.LAB_ERROR, lab_down(exc))
                    return outcome
            self._grade(ex, ctx, outcome)
        finally:
            if ex.needs_lab and outcome.kind is not Kind.LAB_ERROR:
                self._restore(ctx, outcome)
            outcome.seconds = round(time.monotonic() - started, 3)
        if ex.needs_lab and outcome.status is Status.FAILED and outcome.kind is not Kind.LAB_ERROR:
            self._blame_the_lab_if_it_failed(outcome)
        if outcome.status is Status.FAILED and outcome.kind is not Kind.LAB_ERROR:
            if line := blocking.describe(outcome.details.get("blocked", [])):
                outcome.reason = f"{line}\n{outcome.reason}"  # the cause first
        return outcome

    def _blame_the_lab_if_it_failed(self, outcome: Outcome) -> None:
        """A service that died or hung during the exercise makes it a lab error, not the
        learner's failure (health probes: about 2 s at most, in parallel)."""
        down = [
            f"{name} ({c.detail})" for name, c in health.probe(self.cfg).items() if not c.answers
        ]
        if down:
            outcome.kind = Kind.LAB_ERROR
            outcome.reason = t("lab.stopped_answering", down=", ".join(down))

    @staticmethod
    def _restore(ctx: GradeContext, outcome: Outcome) -> None:
        """Put the learner's latency back; if that fails, say so without hiding the grade."""
        try:
            ctx.restore()
        except Exception as exc:
            outcome.details["warning"] = t("restore.failed", error=exc)

    def _grade(self, ex: Exercise, ctx: GradeContext, outcome: Outcome) -> None:
        check = load_check(ex)
        try:
            case = check.setup(ctx)
            settings = ctx.settings() if ex.needs_lab else None
            marks = evidence.mark(self.cfg) if ex.needs_lab else None
            run = run_isolated(self.cfg, self.target, ex, case)
            blocks = [e.data for e in run.events if e.name == "blocked"]
            if blocks:
                outcome.details["blocked"] = blocks
            recorded = next((e for e in run.events if e.name == "switches"), None)
            if recorded is not None:
                outcome.details["switches"] = recorded.data.get("switches", [])
            observed = self._observed(run, ex, outcome)
            if observed is None:
                return
            require_no_leftovers(run.leftovers)
            if settings is not None:
                require_unchanged(settings, ctx.settings())
            apply_events(observed, run.events)
            if marks is not None:
                begin = next((e.at for e in run.events if e.name == "begin"), None)
                observed["served"] = evidence.collect(self.cfg, marks, begin)
            observed["threads"] = threads_during(run.events, run.threads)
            require_one_thread(observed["threads"])
            speed.CHECKS.clear()
            speed.IN_FLIGHT.clear()
            check.verify(ctx, case, observed)
        except GradeFailure as failure:
            self._fail(outcome, failure.kind, speed.explain(failure), failure)
            return
        except Exception as exc:
            self._fail(
                outcome,
                Kind.GRADER_ERROR,
                t("grader_error", error=f"{type(exc).__name__}: {exc}"),
            )
            outcome.details["traceback"] = traceback.format_exc()
            return
        outcome.status = Status.PASSED
        if observed.get("timeline"):
            outcome.details["timeline"] = observed["timeline"]
        if observed.get("threads") is not None:
            outcome.details["threads"] = observed["threads"]
        if line := speed.evidence(observed.get("elapsed")):
            outcome.details["evidence"] = line
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
                t("timeout", limit=ex.time_limit)
                + ("\n" + t("last_output", tail=tail) if tail else ""),
            )
            return None
        result = run.result
        if result is None:
            self._fail(
                outcome,
                Kind.CRASH,
                t("no_result", code=run.returncode)
                + ("\n" + t("last_output", tail=_tail(run.output)) if run.output.strip() else ""),
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
