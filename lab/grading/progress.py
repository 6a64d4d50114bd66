"""The progress you keep (like rustlings): where each exercise stands, across gradings.

``<state dir>/progress.json`` (``config.load().state_path``; ``.lab/`` by default)::

    {"version": 1,
     "targets": {"exercises/": {"ex06_parallel_http": {
         "status": "done" | "failing" | "not-done", "kind": "slow",
         "when": "2026-11-26T01:40:00Z", "done_at": "2026-11-26T01:40:00Z" | null}}}}

Every grading updates it, one exercise at a time as each finishes, under the graded folder
(``exercises/``, the learner's, unless ``--target`` says otherwise); a lab error, a grader
error or a missing file changes nothing (nothing was graded). An exercise never graded is
"not started". ``done_at`` remembers the first pass.
"""

from __future__ import annotations

import calendar
import json
import time
from pathlib import Path

from lab import atomic, config
from lab.exercises import Exercise, all_exercises
from lab.grading.result import FailureKind, Outcome, Status
from lab.i18n import lang, localized, t  # noqa: F401 (report.py calls progress.lang)

VERSION = 1


def path() -> Path:
    return config.load().state_path / "progress.json"


def _all() -> dict[str, dict]:
    try:
        targets = json.loads(path().read_text()).get("targets", {})
        return targets if isinstance(targets, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def load(where: str = "exercises/") -> dict[str, dict]:
    """stem -> its entry for the folder ``where`` (see the module docstring); {} when
    nothing was graded yet."""
    entries = _all().get(where, {})
    return entries if isinstance(entries, dict) else {}


def record(outcome: Outcome, where: str = "exercises/") -> None:
    """Remember one grading's outcome (nothing for a lab error or a skipped exercise)."""
    if outcome.kind in (FailureKind.LAB_ERROR, FailureKind.SKIPPED, FailureKind.GRADER_ERROR):
        return
    targets = _all()
    entries = targets.setdefault(where, {})
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    before = entries.get(outcome.slug, {})
    status = {Status.PASSED: "done", Status.NOT_STARTED: "not-done"}.get(outcome.status, "failing")
    entries[outcome.slug] = {
        "status": status,
        "kind": str(outcome.kind) if outcome.kind else None,
        "when": now,
        "done_at": before.get("done_at") or (now if status == "done" else None),
    }
    atomic.write_json(path(), {"version": VERSION, "targets": targets})


def done_count(entries: dict[str, dict]) -> int:
    return sum(entries.get(ex.stem, {}).get("status") == "done" for ex in all_exercises())


def next_exercise(where: str, after: Exercise | None = None) -> Exercise | None:
    """The first exercise not done yet, looking after ``after`` first, then from the top."""
    entries = load(where)
    exercises = list(all_exercises())
    if after is not None:
        i = exercises.index(after) + 1
        exercises = exercises[i:] + exercises[:i]
    return next((ex for ex in exercises if entries.get(ex.stem, {}).get("status") != "done"), None)


def _when(stamp: str | None) -> str:
    """A stored UTC time as local time, written the learner's way ("10:42 07/12/2025")."""
    if not stamp:
        return ""
    try:
        seconds = calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return stamp
    return time.strftime(t("progress.when_format"), time.localtime(seconds))


def bar(done: int, total: int, width: int = 33) -> str:
    """ "[█████░░░░░]" for done out of total."""
    full = round(width * done / total) if total else 0
    return "[" + "█" * full + "░" * (width - full) + "]"


def render(where: str = "exercises/") -> str:
    """The list of every exercise and where it stands, under a progress bar."""
    entries = load(where)
    exercises = all_exercises()
    done = done_count(entries)
    lines = [
        t("progress.title"),
        f"  {bar(done, len(exercises))} {t('progress.bar', done=done, total=len(exercises))}",
    ]
    marks = {"done": "✔", "failing": "✘", "not-done": "…"}
    for ex in exercises:
        entry = entries.get(ex.stem, {})
        status = entry.get("status")
        title = localized(ex.title)
        if status == "done":
            state = t("progress.done", when=_when(entry.get("done_at")))
        elif status == "failing":
            state = t("progress.failing", when=_when(entry.get("when")))
        elif status == "not-done":
            state = t("progress.todo", when=_when(entry.get("when")))
        else:
            state = t("progress.not_started")
        lines.append(f"  {marks.get(str(status), ' ')} {ex.code} {title}: {state}")
    return "\n".join(lines)
