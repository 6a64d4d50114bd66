"""``gevent-lab class grade ROSTER`` and ``gevent-lab class merge DIR...``.

``grade``: reads the roster, keeps this shard's learners, skips those already graded
(``--resume``), grades ``--jobs`` learners at once, each in its own box, shows a progress bar
(learners done, the ones being graded, the time left), then writes the summary
(lab.classroom.summary). Ctrl-C (or SIGTERM) kills every box (their namespaces end with
them) and removes the scratch folder; results already saved stay, for ``--resume``.

Exit status: 0 when every learner of the slice was graded (failed exercises are verdicts,
not errors), 1 when a roster line or a learner could not be graded, 130 on Ctrl-C.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from lab.classroom import box, learner, points, results, roster, shard, summary
from lab.errors import LabError
from lab.exercises import Exercise, all_exercises, find
from lab.i18n import lang, t

# Measured on a 2-core machine (docs/classroom.md, "Parallel gradings"): the throughput's
# knee (5.2 learners/min at 1, 17.5 at 6, 15.5 at 8 for all 11 exercises), with verdicts
# and speed margins those of each learner graded alone.
DEFAULT_JOBS = 6
console = Console(highlight=False, stderr=True, width=None if sys.stderr.isatty() else 160)


@dataclass
class Options:
    roster: Path
    out: Path
    jobs: int = DEFAULT_JOBS
    shard: shard.Shard = shard.ALL
    resume: bool = False
    deadline: datetime | None = None
    exercises: list[Exercise] | None = None
    points_file: Path | None = None
    seed: int | None = None
    unsandboxed: bool = False


def chosen_exercises(text: str | None) -> list[Exercise]:
    """``"04,06"`` -> those exercises; None -> all."""
    if not text:
        return list(all_exercises())
    chosen = {
        find(part.strip(), command="--exercises 04,06").number: None for part in text.split(",")
    }
    return [ex for ex in all_exercises() if ex.number in chosen]


def parse_deadline(text: str | None) -> datetime | None:
    """ISO 8601; without a zone it is the machine's local time."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise LabError(t("class.bad_deadline", text=text), t("class.bad_deadline_fix")) from None
    return when if when.tzinfo else when.astimezone()


def grade_class(o: Options) -> int:
    entries, bad = roster.read(o.roster)
    chosen = o.exercises or list(all_exercises())
    pts = points.read(o.points_file, chosen)
    mode = box.choose(o.unsandboxed)
    mine = [e for e in entries if o.shard.has(e.learner)]
    bad_here = [b for b in bad if b.learner is None or o.shard.has(b.learner)]
    for b in bad_here:
        console.print(f"[red]{b}[/]")
    codes = [ex.code for ex in chosen]
    todo = [e for e in mine if not (o.resume and _graded(o.out, e.learner, codes))]
    console.print(t("class.start", n=len(mine), shard=o.shard, todo=len(todo), jobs=o.jobs,
                    mode=mode, out=o.out))  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="gevent-lab-class-"))
    os.chmod(work, 0o755)
    job = learner.Job(
        out=o.out, work=work, chosen=chosen, mode=mode, lang=lang(), run_id=uuid.uuid4().hex,
        deadline=o.deadline, class_seed=o.seed, hide=(o.out.resolve(),),
    )  # fmt: skip
    started = time.monotonic()
    jobs = max(1, min(o.jobs, len(todo) or 1))
    pool = box.UidPool(jobs) if mode == "bwrap" else None
    job.uids = pool.uids if pool else []
    try:
        failed = _grade_all(todo, job, jobs)
    finally:
        if pool:
            pool.close()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    graded = [r for e in mine if (r := results.load(o.out, e.learner))]
    errors = [{"line": b.line, "message": b.message} for b in bad_here]
    data = summary.build(graded, chosen, pts, lang(), errors)
    summary.write(o.out, data)
    rate = len(todo) / elapsed * 60 if todo and elapsed > 0 else 0
    console.print(t("class.done", n=len(todo), seconds=round(elapsed), rate=f"{rate:.1f}",
                    out=o.out / "index.html"))  # fmt: skip
    not_graded = [lr for lr in data["learners"] if lr["status"] != "graded"]
    return 1 if bad_here or failed or not_graded else 0


def _graded(out: Path, name: str, codes: list[str]) -> bool:
    """A complete result of a grading of the same exercises (one that could not grade the
    learner, or graded other exercises, is redone)."""
    r = results.load(out, name)
    return r is not None and r["status"] == "graded" and r.get("chosen") == codes


def _grade_all(todo: list[roster.Entry], job: learner.Job, jobs: int) -> int:
    """Grade ``todo`` with ``jobs`` workers; the number of learners that raised."""
    pending: queue.Queue = queue.Queue()
    for entry in todo:
        pending.put(entry)
    running = learner.Running()
    current: dict[int, str] = {}
    state = {"failed": 0}
    lock = threading.Lock()
    progress = _progress()
    task = progress.add_task(t("class.progress"), total=len(todo), now="")

    def worker(slot: int) -> None:
        while not running.stopping.is_set():
            try:
                entry = pending.get_nowait()
            except queue.Empty:
                return
            with lock:
                current[slot] = entry.learner
                progress.update(task, now=", ".join(sorted(current.values())))
            try:
                r = learner.grade(entry, job, slot, running, say=progress.console.print)
                progress.console.print(_line(r, job))
            except KeyboardInterrupt:
                return
            except Exception as e:  # a bug of ours must not stop the class
                with lock:
                    state["failed"] += 1
                progress.console.print(t("class.learner_crashed", learner=entry.learner,
                                         error=f"{type(e).__name__}: {e}"))  # fmt: skip
            with lock:
                current.pop(slot, None)
                progress.update(task, advance=1, now=", ".join(sorted(current.values())))

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in range(jobs)]
    with progress:
        for th in threads:
            th.start()
        try:
            while any(th.is_alive() for th in threads):
                for th in threads:
                    th.join(0.2)
        except KeyboardInterrupt:
            running.stop_all()
            for th in threads:
                th.join(15)
            raise
    return state["failed"]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn(t("class.left")),
        TimeRemainingColumn(),
        TextColumn("[dim]{task.fields[now]}"),
        console=console,
        disable=not console.is_terminal,
    )


def _line(r: dict, job: learner.Job) -> str:
    if r["status"] != "graded":
        first = summary.first_line(r["error"] or "")
        return t("class.learner_error", learner=r["learner"], error=first)
    passed = sum(e["status"] == "passed" for e in r["exercises"].values())
    return t("class.learner_line", learner=r["learner"], passed=passed, total=len(job.chosen),
             seconds=r["seconds"])  # fmt: skip


def merge(dirs: list[Path], out: Path) -> int:
    """Combine the results of several shards' output folders into one summary in ``out``."""
    shards = [_shard_data(d) for d in dirs]
    codes = [[e["code"] for e in s["exercises"]] for s in shards]
    pts = [{e["code"]: e["points"] for e in s["exercises"]} for s in shards]
    if any(c != codes[0] for c in codes) or any(p != pts[0] for p in pts):
        raise LabError(t("class.merge_mismatch"), t("class.merge_mismatch_fix"))
    seen: dict[str, Path] = {}
    found = []
    for d, s in zip(dirs, shards):
        for lr in s["learners"]:
            name = lr["learner"]
            if name in seen:
                raise LabError(t("class.merge_twice", learner=name, a=seen[name], b=d),
                               t("class.merge_mismatch_fix"))  # fmt: skip
            seen[name] = d
            r = results.load(d, name)
            if r is None:
                raise LabError(
                    t("class.merge_missing", learner=name, dir=d), t("class.merge_mismatch_fix")
                )
            found.append(r)
            if d.resolve() != out.resolve():
                target = results.folder(out, name)
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(results.folder(d, name), target)
    errors = {(e["line"], e["message"]) for s in shards for e in s["roster_errors"]}
    chosen = [find(c) for c in codes[0]]
    data = summary.build(found, chosen, pts[0], shards[0]["lang"],
                         [{"line": line, "message": m} for line, m in errors])  # fmt: skip
    summary.write(out, data)
    console.print(t("class.merged", n=len(found), dirs=len(dirs), out=out / "index.html"))
    return 0


def _shard_data(d: Path) -> dict:
    import json

    try:
        data = json.loads((d / "class.json").read_text())
    except (OSError, ValueError) as e:
        raise LabError(
            t("class.merge_unreadable", dir=d, error=e), t("class.merge_mismatch_fix")
        ) from None
    if data.get("version") != summary.CLASS_VERSION:
        raise LabError(t("class.merge_unreadable", dir=d, error=f"version {data.get('version')}"),
                       t("class.merge_mismatch_fix"))  # fmt: skip
    return data
