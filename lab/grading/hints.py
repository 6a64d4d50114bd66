"""``gevent-lab hint NN``: one more hint each time, in the learner's language (LAB_LANG).

How far each exercise's hints have been revealed is kept in ``<state dir>/hints.json`` (the
lab's state dir, ``.lab`` by default), so it survives between runs; ``--reset`` forgets it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from lab import config
from lab.exercises import Text, find
from lab.i18n import localized, t


def progress_file() -> Path:
    return config.load().state_path / "hints.json"


def _load(path: Path) -> dict[str, int]:
    try:
        return {k: int(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save(path: Path, shown: dict[str, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(shown, indent=2, sort_keys=True) + "\n")


def format_hint(i: int, total: int, pair: Text) -> str:
    """One hint, in the learner's language (lab.i18n: LAB_LANG=vi|en)."""
    text = localized(pair)
    wrapped = textwrap.fill(text, 92, initial_indent="    ", subsequent_indent="    ")
    return f"{t('hint.n', i=i, total=total)}\n{wrapped}"


def hint(ex: str | None, show_all: bool = False, reset: bool = False) -> int:
    """Print the next hint of exercise ``ex`` (or all of them, or reset the count)."""
    exercise = find(ex, command="make hint EX=01")
    stem, code, hints = exercise.stem, exercise.code, exercise.hints
    path = progress_file()
    shown = _load(path)
    if reset:
        shown.pop(stem, None)
        _save(path, shown)
        print(t("hint.reset", code=code))
        return 0
    title = localized(exercise.title)
    print(t("hint.header", code=code, title=title))
    upto = len(hints) if show_all else min(shown.get(stem, 0) + 1, len(hints))
    for i in range(upto):
        if show_all or i == upto - 1:
            print(format_hint(i + 1, len(hints), hints[i]) + "\n")
    shown[stem] = max(shown.get(stem, 0), upto)
    _save(path, shown)
    if upto < len(hints):
        print(t("hint.more", code=code, left=len(hints) - upto))
    else:
        print(t("hint.last", code=code, stem=stem))
    return 0
