"""The exercises as the dashboard and the static report show them: the manifest's list
(lab.exercises) joined with each one's last result from ``grade.json`` (version 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lab.exercises import all_exercises
from lab.grading.report import REPORT_VERSION
from lab.ui.svg import floor_of, timeline_svg


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
    """What the page needs of one result: status, reason, evidence and the timeline's SVG."""
    raw = result.get("details")
    details: dict[str, Any] = raw if isinstance(raw, dict) else {}
    listed = details.get("timeline")
    timeline: list[dict] = listed if isinstance(listed, list) else []
    return {
        "status": result.get("status"),
        "kind": result.get("kind"),
        "reason": result.get("reason") or "",
        "seconds": result.get("seconds"),
        "evidence": details.get("evidence") or "",
        "lanes": len(timeline),
        "floor": floor_of(details),
        "svg": timeline_svg(timeline, floor_of(details), lang) if timeline else "",
    }


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
