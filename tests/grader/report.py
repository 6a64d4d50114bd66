"""What the learner reads after ``make check``, and ``reports/grade.json`` for machines."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.grader.discovery import Target, number
from tests.grader.spec import Outcome

MARKS = {"passed": "PASS", "failed": "FAIL", "not-started": "TODO"}


def outcome_line(o: Outcome) -> str:
    """One line (plus an indented explanation when it failed)."""
    head = f"  {MARKS.get(o.status, '????')}  {o.number} {o.title}"
    warning = f"\n        Warning: {o.details['warning']}" if o.details.get("warning") else ""
    if o.status == "passed":
        return f"{head}  ({o.seconds:.1f} s){warning}"
    first, _, rest = o.reason.partition("\n")
    if o.status == "not-started":
        return f"{head}: {first}{warning}"
    text = f"{head}: {first}"
    if rest.strip():
        text += "\n" + textwrap.indent(rest.rstrip(), " " * 8)
    return text + warning


def summary(outcomes: list[Outcome], target: Target) -> str:
    """The progress count and the next step."""
    done = sum(o.status == "passed" for o in outcomes)
    total = len(outcomes)
    lines = [f"{done}/{total} done."]
    todo = next((o for o in outcomes if o.status != "passed"), None)
    if todo is None:
        lines.append("Every graded exercise passes. Well done!" if total else "Nothing was graded.")
    else:
        verb = "Finish" if todo.status == "not-started" else "Fix"
        lines.append(
            f"Next: {verb.lower()} {target.display(todo.slug)}, then "
            f"`make check EX={todo.number}`. Stuck? `make hint EX={todo.number}`."
        )
    return "\n".join(lines)


def write_json(
    path: Path, outcomes: list[Outcome], target: Target, seed: int, seconds: float
) -> None:
    """Points per exercise (1 for a pass), status, reason, seconds, seed."""
    data = {
        "target": target.package,
        "seed": seed,
        "points": sum(o.status == "passed" for o in outcomes),
        "max_points": len(outcomes),
        "seconds": round(seconds, 3),
        "exercises": [
            {
                "number": o.number,
                "stem": o.slug,
                "title": o.title,
                "status": o.status,
                "points": int(o.status == "passed"),
                "kind": o.kind,
                "reason": o.reason,
                "seconds": o.seconds,
                "details": {k: v for k, v in o.details.items() if k != "traceback"},
            }
            for o in outcomes
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


__all__ = ["outcome_line", "summary", "write_json", "number"]
