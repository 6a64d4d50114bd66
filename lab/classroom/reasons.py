"""Failures grouped by what went wrong, so the teacher sees which lesson the class is stuck
on: "12 learners: returned before joining" rather than 12 texts that differ in numbers.

A failure's group is its kind (wrong, slow, timeout, crash, ...) and the head of its first
line: up to the first ": " (the checks' reasons say what failed, then why), with numbers
and paths blanked out (they differ from learner to learner).
"""

from __future__ import annotations

import re
from collections import defaultdict

_PATH = re.compile(r"\S*/\S*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def head(reason: str) -> str:
    """The first line of a reason, up to its first ": " (when that leaves some words)."""
    first = (reason or "").strip().splitlines()[0] if (reason or "").strip() else ""
    before, sep, _ = first.partition(": ")
    return before if sep and len(before) >= 8 else first


def key(kind: str | None, reason: str) -> tuple[str, str]:
    text = _NUMBER.sub("N", _PATH.sub("…", head(reason)))
    return (kind or "", " ".join(text.split()))


def group(failures: list[tuple[str, str | None, str]]) -> list[dict]:
    """``[(learner, kind, reason)]`` -> groups, most learners first: ``{"count", "kind",
    "head" (the first learner's, by name), "learners"}``."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for learner, kind, reason in failures:
        groups[key(kind, reason)].append((learner, head(reason)))
    out = []
    for (kind, _), members in groups.items():
        members.sort()
        out.append(
            {
                "count": len(members),
                "kind": kind,
                "head": members[0][1],
                "learners": [m[0] for m in members],
            }
        )
    return sorted(out, key=lambda g: (-g["count"], g["head"]))
