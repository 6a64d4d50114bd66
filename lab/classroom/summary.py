"""The teacher's summary of a class: ``index.html``, ``class.csv`` and ``class.json`` in the
output folder, built from the learners' results (lab.classroom.results) alone, so that a
single run and the merge of its shards give the same files (``generated_at`` aside).

``class.json`` (``version`` 1)::

    {"version": 1, "generated_at": "...Z", "lang": "en",
     "exercises": [{"code": "04", "title": "...", "points": 1}], "max_total": 2,
     "learners": [{"learner": "alice", "status": "graded" | "error", "error": null,
                   "seed": 1234, "source": "...", "commit": null, "total": 1,
                   "cells": {"04": {"verdict": "pass" | "fail" | "todo" | "lab" | "none",
                                     "kind": null, "line": "evidence or first line",
                                     "reason": "...", "points": 1}}}],
     "by_exercise": {"04": {"passed": 3, "graded": 5, "rate": 0.6,
                            "reasons": [{"count": 2, "kind": "wrong", "head": "...",
                                         "learners": ["bob", "eve"]}]}},
     "roster_errors": [{"line": 7, "message": "..."}]}

``class.csv``: ``learner,ex01,...,ex11,total`` (the graded exercises), one row per learner,
points per exercise (lab.classroom.points); a learner who could not be graded, or an
exercise the lab failed to grade (LAB), has an empty cell.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from lab.classroom import reasons
from lab.exercises import Exercise
from lab.i18n import t

CLASS_VERSION = 1
TOP_REASONS = 3
TIME_FIELDS = ("generated_at",)  # what differs between two builds of the same results


def verdict(cell: dict | None) -> str:
    if cell is None:
        return "none"
    if cell.get("kind") == "lab-error":
        return "lab"
    return {"passed": "pass", "failed": "fail"}.get(cell["status"], "todo")


def first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def build(results: list[dict], chosen: list[Exercise], points: dict[str, float], lang: str,
          roster_errors: list[dict]) -> dict:  # fmt: skip
    """class.json's content for these learners' results."""
    learners = []
    for r in sorted(results, key=lambda r: r["learner"]):
        cells = {}
        for ex in chosen:
            cell = r["exercises"].get(ex.code) if r["status"] == "graded" else None
            if cell is None and r["status"] == "graded":  # no file for it: not started
                cell = {"status": "not-started", "kind": None, "reason": t("class.no_file")}
            v = verdict(cell) if r["status"] == "graded" else "none"
            cells[ex.code] = {
                "verdict": v,
                "kind": cell.get("kind") if cell else None,
                "line": (cell.get("evidence") or first_line(cell.get("reason", ""))) if cell else "",
                "reason": cell.get("reason", "") if cell else "",
                "points": points[ex.code] if v == "pass" else (0 if v in ("fail", "todo") else None),
            }  # fmt: skip
        graded = r["status"] == "graded"
        total = sum(float(c["points"] or 0) for c in cells.values()) if graded else None
        if total is not None and total.is_integer():
            total = int(total)
        learners.append(
            {
                "learner": r["learner"], "status": r["status"], "error": r.get("error"),
                "seed": r.get("seed"), "source": r.get("source"), "commit": r.get("commit"),
                "total": total, "cells": cells,
            }
        )  # fmt: skip
    return {
        "version": CLASS_VERSION,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "lang": lang,
        "exercises": [
            {"code": ex.code, "stem": ex.stem, "title": _title(ex, lang), "points": points[ex.code]}
            for ex in chosen
        ],  # fmt: skip
        "max_total": sum(points[ex.code] for ex in chosen),
        "learners": learners,
        "by_exercise": {ex.code: _exercise_stats(ex.code, learners) for ex in chosen},
        "roster_errors": sorted(roster_errors, key=lambda e: (e["line"], e["message"])),
    }


def _title(ex: Exercise, lang: str) -> str:
    return ex.title.vi if lang == "vi" else ex.title.en


def _exercise_stats(code: str, learners: list[dict]) -> dict:
    cells = [(lr["learner"], lr["cells"][code]) for lr in learners]
    graded = [(name, c) for name, c in cells if c["verdict"] in ("pass", "fail", "todo")]
    passed = sum(c["verdict"] == "pass" for _, c in graded)
    failures = [(name, c["kind"], c["reason"]) for name, c in graded if c["verdict"] != "pass"]
    return {
        "passed": passed,
        "graded": len(graded),
        "rate": round(passed / len(graded), 4) if graded else None,
        "reasons": reasons.group(failures),
    }


def csv_text(data: dict) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    codes = [e["code"] for e in data["exercises"]]
    w.writerow(["learner", *(f"ex{c}" for c in codes), "total"])
    for lr in data["learners"]:
        cells = [_number(lr["cells"][c]["points"]) for c in codes]
        w.writerow([lr["learner"], *cells, _number(lr["total"])])
    return out.getvalue()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def html(data: dict) -> str:
    env = Environment(
        loader=PackageLoader("lab.classroom", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    lang = data["lang"]
    with _language(lang):
        return env.get_template("class.html.j2").render(
            data=data, t=t, pct=_pct, top=TOP_REASONS, lang=lang, first_line=first_line
        )


@contextmanager
def _language(lang: str) -> Iterator[None]:
    """t() in the summary's language (the one its results were graded in), whatever this
    process's LAB_LANG is: a merge gives the same page as the single run."""
    saved = os.environ.get("LAB_LANG")
    os.environ["LAB_LANG"] = lang
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("LAB_LANG", None)
        else:
            os.environ["LAB_LANG"] = saved


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{round(rate * 100)}%"


def write(out: Path, data: dict) -> None:
    """index.html, class.csv and class.json in ``out``, each written atomically."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("class.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"),
        ("class.csv", csv_text(data)),
        ("index.html", html(data)),
    ):
        tmp = out / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out / name)
