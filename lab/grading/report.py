"""What the learner reads after ``gevent-lab check``, and ``reports/grade.json`` for machines.

``grade.json`` (``version`` 2)::

    {
      "version": 2,
      "target": "exercises",            # the graded folder, as typed from the repository
      "seed": 141876,                   # `--seed 141876` repeats the random inputs
      "points": 3, "max_points": 11,    # one point per passed exercise
      "seconds": 12.3,                  # the whole grading
      "exercises": [...],               # one entry per exercise: lab.grading.result.Outcome
      "digest": "hmac-sha256:..."       # over everything above, keyed by the grader
    }

Version 2 (the lab's evidence: ``evidence``, ``measures``, ``calls``, ``lab``) replaced
version 1's loose ``details``; a version 1 file is not read back (it is graded afresh).

``reports/`` keeps every exercise's last result: a grading of some exercises (``make check
EX=06``) is merged into the ``grade.json`` already there (same ``target``, digest valid):
its exercises replace theirs, the others stay as they were. ``seed`` at the top is the
latest grading's; each exercise has its own ``seed`` and ``graded_at`` (UTC, ISO 8601);
``points``/``max_points`` count every exercise in the file.
The grader writes it last, atomically, after every process of the exercises was stopped.
``digest`` is an HMAC with a key kept in the lab's state dir (``.lab/grader.key``): a report
edited by hand, or by a process the learner left, no longer verifies
(``python -m lab.grading.report reports/grade.json``). The key is readable by whoever runs
the grader, so this tells an accident or a careless edit, not a determined forger: a
teacher who needs a verdict grades the learner's folder on a checkout of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from lab import atomic
from lab.exercises import find
from lab.grading.contract import GradeFailure
from lab.grading.result import FailureKind, Measure, Outcome, Status
from lab.grading.target import Target
from lab.i18n import localized, t, unit

REPORT_VERSION = 2
MARKS = {Status.PASSED: "mark.pass", Status.FAILED: "mark.fail", Status.NOT_STARTED: "mark.todo"}


def outcome_line(o: Outcome) -> str:
    """One line (plus an indented explanation when it failed)."""
    mark = t("mark.lab") if o.kind is FailureKind.LAB_ERROR else t(MARKS[o.status])
    head = f"  {mark}  {o.number} {o.title}"
    warning = "\n        " + t("report.warning", text=o.warning) if o.warning else ""
    if o.status is Status.PASSED:
        measured = o.evidence
        seconds = t("report.seconds", seconds=o.seconds)
        notes = "".join("\n" + textwrap.indent(n, " " * 8) for n in o.notes)
        line = f"{head}: {measured}" if measured else f"{head}  {seconds}"
        return line + notes + warning
    first, _, rest = o.reason.partition("\n")
    if o.status is Status.NOT_STARTED:
        return f"{head}: {first}{warning}"
    text = f"{head}: {first}"
    if rest.strip():
        text += "\n" + textwrap.indent(rest.rstrip(), " " * 8)
    return text + warning


def summary(outcomes: list[Outcome], target: Target) -> str:
    """The progress count and the next step: after a single exercise passed, the next one
    not done yet (lab.grading.progress); after every exercise is done, a closing word."""
    from lab.grading import progress

    done = sum(o.status is Status.PASSED for o in outcomes)
    total = len(outcomes)
    if total == 1:  # one exercise: where the learner stands overall, not "1/1"
        overall = progress.done_count(progress.load(target.where))
        lines = [t("progress.bar", done=overall, total=len(progress.all_exercises()))]
    else:
        lines = [t("summary.done", done=done, total=total)]
    todo = next((o for o in outcomes if o.status is not Status.PASSED), None)
    if todo is None:
        lines.append(t("summary.all_pass") if total else t("summary.nothing"))
        after = find(outcomes[-1].slug) if total == 1 else None
        following = progress.next_exercise(target.where, after) if total else None
        if following is not None and total < len(progress.all_exercises()):
            title = localized(following.title)
            lines.append(
                t(
                    "summary.next_after_pass",
                    code=following.code,
                    title=title,
                    file=target.display(following),
                )
            )
        elif total and following is None:
            lines.append(t("progress.all_done", total=len(progress.all_exercises())))
    elif any(o.kind is FailureKind.LAB_ERROR for o in outcomes):
        lines.append(t("summary.next_lab"))
    else:
        key = "summary.next_finish" if todo.status is Status.NOT_STARTED else "summary.next_fix"
        lines.append(t(key, file=target.display(find(todo.slug)), code=todo.number))
    return "\n".join(lines)


def write_json(
    path: Path, outcomes: list[Outcome], target: Target, seed: int, seconds: float
) -> None:
    """The report of one grading (format in the module docstring), written atomically,
    merged into the report already there (see ``merged``)."""
    graded_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    fresh = []
    for o in outcomes:
        entry = o.to_json()
        entry["seed"], entry["graded_at"] = o.seed if o.seed is not None else seed, graded_at
        fresh.append(entry)
    exercises = merged(path, target.where.rstrip("/"), fresh)
    data = {
        "version": REPORT_VERSION,
        "target": target.where.rstrip("/"),
        "seed": seed,
        "points": sum(e["points"] for e in exercises),
        "max_points": len(exercises),
        "seconds": round(seconds, 3),
        "exercises": exercises,
    }
    data["digest"] = digest(data)
    atomic.write_json(path, data)


def read(path: Path) -> list[Outcome] | None:
    """The outcomes of the report at ``path`` (None: missing, unreadable, another version)."""
    try:
        data = json.loads(Path(path).read_text())
        if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
            return None
        return [Outcome.from_json(e) for e in data["exercises"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- what a line says ---------------------------------------------------------------------
def evidence_line(measures: list[Measure]) -> str:
    """What was measured, in one line: "httpbin saw 17 requests, 17 at once; 0.82 s (floor
    0.80 s)"; empty when the exercise measured nothing."""
    parts = []
    flight = next((m for m in measures if m.rule == "in flight"), None)
    if flight is not None:
        if flight.by == "process":  # no lab server sees these: the calls themselves
            text = t("speed.evidence_plain", n=flight.units, unit=unit(flight.unit),
                     at_once=flight.at_once)  # fmt: skip
        else:
            text = t("speed.evidence_units", who=_who(flight.by), n=flight.units,
                     unit=unit(flight.unit), at_once=flight.at_once)  # fmt: skip
        if flight.calls and flight.calls_at_once != flight.at_once:
            text += " " + t("speed.evidence_calls", n=flight.calls, at_once=flight.calls_at_once)
        parts.append(text)
    speed = next((m for m in measures if m.rule == "speed"), None)
    if speed is not None and speed.elapsed is not None and speed.floor is not None:
        parts.append(t("speed.evidence_time", elapsed=speed.elapsed, floor=speed.floor))
    return "; ".join(parts)


def _who(by: str) -> str:
    return {
        "httpbin": t("seen.httpbin"),
        "dns": t("seen.dns"),
        "grader": t("seen.grader_clients"),
        "process": t("seen.process"),
    }.get(by, t("seen.grader"))


def explain(failure: GradeFailure, outcome: Outcome) -> str:
    """The failure's reason, the pictures (what the lab saw, the calls), the likely cause."""
    from lab.grading.bars import pictures
    from lab.grading.rules import PARTLY_CONCURRENT_HINT, SEQUENTIAL_HINT, max_overlap

    parts = [failure.reason]
    if picture := pictures(outcome):
        parts.append(picture)
    suggestion = failure.suggestion
    if not suggestion and failure.kind == FailureKind.SLOW:
        lanes = outcome.lab or outcome.calls
        alone = not lanes or max_overlap(lanes) <= 1
        suggestion = t(SEQUENTIAL_HINT if alone else PARTLY_CONCURRENT_HINT)
    if suggestion:
        parts.append(t("speed.likely", text=suggestion))
    return "\n".join(parts)


def blocked_line(blocks: list[dict[str, Any]]) -> str:
    """The longest block of the event loop as one sentence (plus how many there were)."""
    if not blocks:
        return ""
    worst = max(blocks, key=lambda b: b["seconds"])
    text = t(
        "blocked",
        seconds=worst["seconds"],
        file=worst["file"],
        line=worst["line"],
        call=worst["call"],
        why=t(f"blocked.{worst['cause']}"),
    )
    if len(blocks) > 1:
        total = sum(b["seconds"] for b in blocks)
        text += " " + t("blocked.more", n=len(blocks), total=total)
    return text


def merged(path: Path, target: str, fresh: list[dict]) -> list[dict]:
    """``fresh`` entries, plus the entries of the report at ``path`` for exercises this
    grading did not grade, when that report is of the same target and verifies (one edited
    by hand is not trusted: its entries are dropped). Ordered by exercise number."""
    try:
        old = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        old = None
    keep: list[dict] = []
    if (
        isinstance(old, dict)
        and old.get("version") == REPORT_VERSION
        and old.get("target") == target
        and hmac.compare_digest(str(old.get("digest")), digest(old))
    ):
        graded = {e["stem"] for e in fresh}
        keep = [e for e in old.get("exercises", []) if e.get("stem") not in graded]
    return sorted(keep + fresh, key=lambda e: str(e.get("number")))


def stems(path: Path) -> set[str]:
    """The exercises the report at ``path`` holds (none when it cannot be read)."""
    try:
        return {str(e["stem"]) for e in json.loads(Path(path).read_text())["exercises"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _key() -> bytes:
    from lab import config

    path = config.load().state_path / "grader.key"
    try:
        return path.read_bytes()
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key


def digest(data: dict) -> str:
    """The HMAC of a report's content (everything but ``digest`` itself)."""
    body = json.dumps({k: v for k, v in data.items() if k != "digest"}, sort_keys=True)
    return "hmac-sha256:" + hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def verify(path: Path) -> bool:
    """True when the report at ``path`` is as this checkout's grader wrote it."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and hmac.compare_digest(str(data.get("digest")), digest(data))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "reports/grade.json")
    ok = verify(target)
    print(t("report.verified" if ok else "report.not_verified", target=target))
    sys.exit(0 if ok else 1)
