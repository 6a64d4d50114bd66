"""What the learner reads after ``gevent-lab check``, and ``reports/grade.json`` for machines.

``grade.json`` (``version`` 1)::

    {
      "version": 1,
      "target": "exercises",            # the graded folder, as typed from the repository
      "seed": 141876,                   # `--seed 141876` repeats the random inputs
      "points": 3, "max_points": 11,    # one point per passed exercise
      "seconds": 12.3,                  # the whole grading
      "exercises": [
        {"number": "06", "stem": "ex06_parallel_http", "title": "...",
         "status": "passed" | "failed" | "not-started",
         "kind": null | "not-done" | "wrong" | "slow" | "too-fast" | "timeout" | "crash"
                 | "grader-error" | "lab-error",
         "points": 0 | 1, "reason": "...", "seconds": 1.2,
         "details": {"evidence": "...", "margin": 1.9, "speed": [...], "timeline": [...],
                     "threads": 1, "warning": "..."}}
      ],
      "digest": "hmac-sha256:..."       # over everything above, keyed by the grader
    }

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
from pathlib import Path

from lab.exercises import find
from lab.grading.contract import Kind, Outcome, Status
from lab.grading.target import Target

REPORT_VERSION = 1
MARKS = {Status.PASSED: "PASS", Status.FAILED: "FAIL", Status.NOT_STARTED: "TODO"}


def outcome_line(o: Outcome) -> str:
    """One line (plus an indented explanation when it failed)."""
    mark = "LAB " if o.kind is Kind.LAB_ERROR else MARKS.get(o.status, "????")
    head = f"  {mark}  {o.number} {o.title}"
    warning = f"\n        Warning: {o.details['warning']}" if o.details.get("warning") else ""
    if o.status is Status.PASSED:
        measured = o.details.get("evidence")
        return (
            f"{head}: {measured}{warning}" if measured else f"{head}  ({o.seconds:.1f} s){warning}"
        )
    first, _, rest = o.reason.partition("\n")
    if o.status is Status.NOT_STARTED:
        return f"{head}: {first}{warning}"
    text = f"{head}: {first}"
    if rest.strip():
        text += "\n" + textwrap.indent(rest.rstrip(), " " * 8)
    return text + warning


def summary(outcomes: list[Outcome], target: Target) -> str:
    """The progress count and the next step."""
    done = sum(o.status is Status.PASSED for o in outcomes)
    total = len(outcomes)
    lines = [f"{done}/{total} done."]
    todo = next((o for o in outcomes if o.status is not Status.PASSED), None)
    if todo is None:
        lines.append("Every graded exercise passes. Well done!" if total else "Nothing was graded.")
    elif any(o.kind is Kind.LAB_ERROR for o in outcomes):
        lines.append(
            "Next: the lab is not working (LAB lines were not graded): "
            "`make lab-down && make lab-up`, then `make check` again."
        )
    else:
        verb = "finish" if todo.status is Status.NOT_STARTED else "fix"
        lines.append(
            f"Next: {verb} {target.display(find(todo.slug))}, then "
            f"`make check EX={todo.number}`. Stuck? `make hint EX={todo.number}`."
        )
    return "\n".join(lines)


def write_json(
    path: Path, outcomes: list[Outcome], target: Target, seed: int, seconds: float
) -> None:
    """The report of one grading (format in the module docstring), written atomically."""
    data = {
        "version": REPORT_VERSION,
        "target": target.where.rstrip("/"),
        "seed": seed,
        "points": sum(o.status is Status.PASSED for o in outcomes),
        "max_points": len(outcomes),
        "seconds": round(seconds, 3),
        "exercises": [
            {
                "number": o.number,
                "stem": o.slug,
                "title": o.title,
                "status": str(o.status),
                "points": int(o.status is Status.PASSED),
                "kind": str(o.kind) if o.kind else None,
                "reason": o.reason,
                "seconds": o.seconds,
                "details": {k: v for k, v in o.details.items() if k != "traceback"},
            }
            for o in outcomes
        ],
    }
    data["digest"] = digest(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


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
    print(f"{target}: " + ("written by this grader" if ok else "NOT as the grader wrote it"))
    sys.exit(0 if ok else 1)
