"""Grading one learner: fetch their work, copy the chosen exercises read-only, run the
teacher's grader on them in a box (lab.classroom.box), keep the result (lab.classroom.results).

A grading that gives the lab's fault (a LAB verdict) or ends without a report is tried once
more in a fresh box; the result records how many attempts it took.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lab.classroom import box, results, sources
from lab.classroom.roster import Entry
from lab.exercises import Exercise
from lab.i18n import t

ATTEMPTS = 2
LOG_TAIL_LINES = 6


@dataclass
class Job:
    """What every learner's grading of one class run shares."""

    out: Path
    work: Path  # the run's scratch folder
    chosen: list[Exercise]
    mode: str  # box mode
    lang: str
    run_id: str
    deadline: datetime | None = None
    class_seed: int | None = None
    hide: tuple[Path, ...] = ()
    uids: list[int] = field(default_factory=list)  # one per job slot (box.UidPool)

    @property
    def time_limit(self) -> float:
        """How long one grading may take before its box is killed."""
        return 1.5 * sum(ex.time_limit for ex in self.chosen) + 60


class Running:
    """The boxes running now, so that Ctrl-C can end them all."""

    def __init__(self) -> None:
        self._procs: dict[int, tuple[subprocess.Popen, int | None]] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def add(self, proc: subprocess.Popen, uid: int | None) -> None:
        with self._lock:
            self._procs[proc.pid] = (proc, uid)
        if self.stopping.is_set():
            kill(proc, uid)

    def remove(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.pop(proc.pid, None)

    def stop_all(self) -> None:
        self.stopping.set()
        with self._lock:
            procs = list(self._procs.values())
        for proc, uid in procs:
            kill(proc, uid)


def kill(proc: subprocess.Popen, uid: int | None) -> None:
    """End a box: its process group, then every process of its uid (what the learner's
    code started in a session of its own, too); bwrap's child dies with bwrap."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if uid is not None:
        box.kill_uid(uid)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def seed_for(learner: str, class_seed: int | None) -> int:
    """A fresh seed, or one derived from ``--seed`` and the learner's name (repeatable)."""
    if class_seed is None:
        return random.SystemRandom().randrange(1, 1_000_000)
    digest = hashlib.sha256(f"{class_seed}:{learner}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % 999_999


def grade(entry: Entry, job: Job, slot: int, running: Running,
          say: Callable[[str], None] = lambda _: None) -> dict:  # fmt: skip
    """Grade ``entry`` and save its result in ``job.out``; the result."""
    started = time.monotonic()
    seed = seed_for(entry.learner, job.class_seed)
    result: dict = {
        "version": results.RESULT_VERSION, "learner": entry.learner, "line": entry.line,
        "source": entry.source, "ref": entry.ref, "kind": None, "commit": None,
        "status": "error", "error": None, "seed": seed, "attempts": 0, "exit_code": None,
        "sandbox": job.mode, "seconds": 0.0, "graded_at": None, "exercises": {},
        "chosen": [ex.code for ex in job.chosen],
    }  # fmt: skip
    scratch = job.work / entry.learner
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    report_from = None
    try:
        work = _prepare(entry, job, scratch, result)
        report_from = work.report
        for attempt in range(1, ATTEMPTS + 1):
            result["attempts"] = attempt
            if running.stopping.is_set():
                raise KeyboardInterrupt
            result.update(_run_box(work, seed, job, slot, running))
            if not _should_retry(result):
                break
            say(t("class.retry", learner=entry.learner, why=_retry_why(result)))
    except sources.SourceError as e:
        result["error"] = str(e)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["graded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if running.stopping.is_set():
        raise KeyboardInterrupt
    results.save(job.out, result, report_from)
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def _prepare(entry: Entry, job: Job, scratch: Path, result: dict) -> box.Work:
    """Fetch the learner's source and copy the chosen exercises read-only for the box."""
    fetched = sources.fetch(entry, scratch / "fetched", job.deadline)
    result["kind"], result["commit"] = fetched.kind, fetched.commit
    work = box.Work(scratch / "box", scratch / "box" / "exercises")
    work.root.mkdir()
    sources.copy_exercises(sources.exercise_folder(fetched.folder), work.exercises, job.chosen)
    shutil.rmtree(scratch / "fetched", ignore_errors=True)
    return work


def _should_retry(result: dict) -> bool:
    lab_fault = any(e.get("kind") == "lab-error" for e in result["exercises"].values())
    return result["status"] == "error" or lab_fault


def _retry_why(result: dict) -> str:
    """The box's error, else the first lab fault's first line (which service, how long)."""
    faults = [
        f"{code}: {(e.get('reason') or '').splitlines()[0]}" if e.get("reason") else code
        for code, e in sorted(result["exercises"].items())
        if e.get("kind") == "lab-error"
    ]
    return result["error"] or t("class.lab_fault") + (": " + faults[0] if faults else "")


def _run_box(work: box.Work, seed: int, job: Job, slot: int, running: Running) -> dict:
    """One grading in a fresh box: {status, error, exit_code, exercises}."""
    for folder in (work.state, work.report):
        shutil.rmtree(folder, ignore_errors=True)
    uid = job.uids[slot] if job.mode == "bwrap" else None
    plan = box.plan(work, seed, job.mode, uid or 0, job.lang, job.run_id, job.hide)
    log = work.root / "grading.log"
    if log.exists():  # an earlier attempt's log goes with the report, for the teacher
        log.rename(work.root / f"grading.attempt{len(list(work.root.glob('grading*.log')))}.log")
    with open(log, "wb") as out:
        try:
            proc = subprocess.Popen(
                plan.argv, env=plan.env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, pass_fds=plan.pass_fds, start_new_session=True,
                cwd="/",
            )  # fmt: skip
        finally:
            if plan.status:
                plan.status.close_writer()
        running.add(proc, uid)
        try:
            proc.wait(timeout=job.time_limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            kill(proc, uid)
            running.remove(proc)
            if plan.status:
                plan.status.close()
    if work.report.is_dir():
        for each in work.root.glob("grading*.log"):
            shutil.copyfile(each, work.report / each.name)
    return _outcome(work, proc.returncode, timed_out, job)


def _outcome(work: box.Work, code: int | None, timed_out: bool, job: Job) -> dict:
    if timed_out:
        return {"status": "error", "exit_code": code, "exercises": {},
                "error": t("class.box_timeout", seconds=int(job.time_limit))}  # fmt: skip
    try:
        exercises = results.read_grade(work.report / "grade.json")
    except results.GradeUnreadable as e:
        tail = _tail(work.root / "grading.log")
        return {"status": "error", "exit_code": code, "exercises": {},
                "error": t("class.no_report", code=code, error=e, tail=tail)}  # fmt: skip
    return {"status": "graded", "exit_code": code, "exercises": exercises, "error": None}


def _tail(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-LOG_TAIL_LINES:])
