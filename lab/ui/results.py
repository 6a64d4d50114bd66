"""The exercises as the dashboard and the static report show them: the manifest's list
(lab.exercises) joined with each one's last result from ``grade.json`` (read as
lab.grading.result.Outcome)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lab.exercises import all_exercises
from lab.grading.report import REPORT_VERSION
from lab.grading.result import Bar, Outcome
from lab.ui.svg import timeline_svg


def load_report(path: Path) -> dict[str, Any] | None:
    """``grade.json`` as a dict, or None when it is missing, unreadable or another version."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
        return None
    if not isinstance(data.get("exercises"), list):
        return None
    return data


def results_by_number(report: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Each graded exercise's entry of the report, by number ("04")."""
    if not report:
        return {}
    return {
        str(e.get("number")): e
        for e in report["exercises"]
        if isinstance(e, dict) and e.get("number") is not None
    }


def result_view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the page needs of one result: status, reason, evidence, and the SVG of what the
    lab saw beside the learner's calls."""
    try:
        o = Outcome.from_json(result)
    except (KeyError, TypeError, ValueError):
        return {"status": result.get("status"), "kind": result.get("kind"), "reason": "",
                "seconds": None, "evidence": "", "lanes": 0, "floor": None, "svg": ""}  # fmt: skip
    svg = "".join(
        timeline_svg(_dicts(bars), o.floor, lang, caption)
        for bars, caption in ((o.lab, "lab_saw"), (o.calls, "your_calls"))
        if bars
    )
    return {
        "status": str(o.status),
        "kind": str(o.kind) if o.kind else None,
        "reason": o.reason,
        "seconds": o.seconds,
        "evidence": o.evidence,
        "lanes": len(o.lab) or len(o.calls),
        "floor": o.floor,
        "svg": svg,
    }


def _dicts(bars: list[Bar]) -> list[dict]:
    return [b.to_json() for b in bars]


def exercises_view(results: dict[str, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Every exercise of the manifest, with its last result (None when never graded)."""
    view = []
    for ex in all_exercises():
        result = results.get(ex.code)
        view.append(
            {
                "number": ex.code,
                "stem": ex.stem,
                "title": {"en": ex.title.en, "vi": ex.title.vi},
                "needs_lab": ex.needs_lab,
                "result": result_view(result, lang) if result else None,
            }
        )
    return view
