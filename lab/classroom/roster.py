"""The roster: a CSV file with one learner per line, ``learner,source[,ref]``.

``source`` is a folder, a git repository (a local path or a URL), or a zip archive; a
relative path is relative to the roster file's folder. ``ref`` (optional) picks a branch or
commit of a git source. A first line ``learner,source,ref`` (or ``learner,source``) is a
header; blank lines and lines starting with ``#`` are skipped.

A bad line is a ``RosterError`` naming its line and what is wrong; the other lines are
graded anyway.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from lab.errors import LabError
from lab.i18n import t

# A learner's name becomes a folder name and a CSV cell: GitHub-like names and e-mails.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


@dataclass(frozen=True)
class Entry:
    """One learner of the roster."""

    learner: str
    source: str
    ref: str | None
    line: int
    folder: Path  # the roster file's folder: relative sources are relative to it


@dataclass(frozen=True)
class RosterError:
    """A line that cannot be graded, and why."""

    line: int
    message: str
    learner: str | None = None  # when the line names a valid learner

    def __str__(self) -> str:
        return t("class.roster_line", line=self.line, message=self.message)


def read(path: str | Path) -> tuple[list[Entry], list[RosterError]]:
    """The roster's learners and its bad lines (a file that cannot be read is a LabError)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise LabError(t("class.no_roster", path=path, error=e), t("class.no_roster_fix")) from None
    return parse(text, path.resolve().parent)


def parse(text: str, folder: Path) -> tuple[list[Entry], list[RosterError]]:
    entries: list[Entry] = []
    errors: list[RosterError] = []
    seen: dict[str, int] = {}
    for number, row in _rows(text):
        cells = [c.strip() for c in row]
        if number == _first_line(text) and cells[:2] == ["learner", "source"]:
            continue
        problem = _problem(cells, seen)
        if problem:
            named = (
                cells[0] if cells and NAME.fullmatch(cells[0]) and cells[0] not in seen else None
            )
            errors.append(RosterError(number, problem, named))
            continue
        seen[cells[0]] = number
        ref = cells[2] if len(cells) > 2 and cells[2] else None
        entries.append(Entry(cells[0], cells[1], ref, number, folder))
    return entries, errors


def _rows(text: str):
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            yield number, next(csv.reader([line]))
        except (csv.Error, StopIteration):
            yield number, [line]


def _first_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return 0


def _problem(cells: list[str], seen: dict[str, int]) -> str:
    if len(cells) < 2 or len(cells) > 3:
        return t("class.roster_columns", n=len(cells))
    learner, source = cells[0], cells[1]
    if not NAME.fullmatch(learner):
        return t("class.roster_name", name=learner)
    if learner in seen:
        return t("class.roster_twice", name=learner, line=seen[learner])
    if not source:
        return t("class.roster_no_source", name=learner)
    return ""
