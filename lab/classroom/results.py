"""One learner's result on disk, ``OUT/learners/<learner>/``, and the one reader of the
grader's ``grade.json``.

The folder holds ``result.json`` (below), the grader's own ``grade.json``, ``junit.xml``
and ``index.html`` (the learner's page, with timelines), and ``grading.log`` (what the
grader printed). It is written in a temporary folder and renamed into place: a folder
named after a learner is always complete (``--resume`` trusts it).

``result.json`` (``version`` 1)::

    {"version": 1, "learner": "alice", "line": 3, "source": "alice.zip", "ref": null,
     "kind": "zip" | "folder" | "git", "commit": null | "<sha>",
     "status": "graded" | "error", "error": null | "why it could not be graded",
     "seed": 141876, "attempts": 1, "exit_code": 1, "sandbox": "bwrap" | "netns" | "ports",
     "seconds": 12.4, "graded_at": "2026-12-07T12:00:00Z", "chosen": ["04", "06"],
     "exercises": {"04": {"status": "passed" | "failed" | "not-started",
                          "kind": null | "wrong" | ..., "reason": "...",
                          "evidence": "...", "seconds": 0.8}}}

``chosen`` lists the exercises the grading was asked for; one the learner has no file for
is absent from ``exercises``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

RESULT_VERSION = 1
FILES = ("grade.json", "junit.xml", "index.html")


class GradeUnreadable(Exception):
    """grade.json is missing, damaged, or of a version this reader does not know."""


def read_grade(path: Path) -> dict[str, dict]:
    """The grader's ``grade.json`` as ``{"04": {status, kind, reason, evidence, seconds}}``,
    read through the grader's own result model (lab.grading.report.read): a new version of
    grade.json changes that, not this."""
    from lab.grading.report import read

    outcomes = read(Path(path))
    if outcomes is None:
        raise GradeUnreadable(f"{Path(path).name}: missing, damaged or of another version")
    return {
        o.number: {
            "status": str(o.status),
            "kind": str(o.kind) if o.kind else None,
            "reason": o.reason,
            "evidence": o.evidence,
            "seconds": o.seconds,
        }
        for o in outcomes
    }


def folder(out: Path, learner: str) -> Path:
    return Path(out) / "learners" / learner


def load(out: Path, learner: str) -> dict | None:
    """The learner's complete result in ``out``, or None."""
    try:
        data = json.loads((folder(out, learner) / "result.json").read_text())
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("version") == RESULT_VERSION:
        return data
    return None


def save(out: Path, result: dict, files_from: Path | None) -> Path:
    """Write ``result`` (and the grader's files from ``files_from``) as the learner's
    folder, atomically: built aside, then renamed over any older one."""
    learners = Path(out) / "learners"
    learners.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{result['learner']}-", dir=learners))
    try:
        logs = sorted(p.name for p in files_from.glob("grading*.log")) if files_from else []
        for name in FILES + tuple(logs):  # grading.log, and earlier attempts' logs
            src = files_from / name if files_from else None
            if src is not None and src.is_file() and not src.is_symlink():
                shutil.copyfile(src, staging / name)
        (staging / "result.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
        staging.chmod(0o755)
        final = folder(out, result["learner"])
        if final.exists():
            old = final.with_name(f".{final.name}-old-{os.getpid()}")
            final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(final)
        return final
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
