"""``python -m tests.grader hint NN``: one more hint each time, in English and Vietnamese.

How far each exercise's hints have been revealed is kept in ``<state dir>/hints.json`` (the
lab's state dir, ``.lab`` by default), so it survives between runs; ``--reset`` forgets it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from lab import config
from tests.grader.discovery import all_stems, number
from tests.grader.harness import load_spec


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


def format_hint(i: int, total: int, pair: tuple[str, str]) -> str:
    en, vi = pair

    def wrap(text):
        return textwrap.fill(
            text,
            92,
            initial_indent="    ",
            subsequent_indent="    ",
        )

    return f"Hint {i}/{total}:\n{wrap(en)}\n{wrap(vi)}"


def hint(ex: str | None, show_all: bool = False, reset: bool = False) -> int:
    """Print the next hint of exercise ``ex`` (or all of them, or reset the count)."""
    stems = [s for s in all_stems() if ex and number(s) == ex.removeprefix("ex")[:2].zfill(2)]
    if not stems:
        known = ", ".join(number(s) for s in all_stems())
        print(f"Which exercise? e.g. `make hint EX=01` (exercises: {known})")
        return 2
    stem = stems[0]
    spec = load_spec(stem)
    hints = list(getattr(spec, "HINTS", []))
    path = progress_file()
    shown = _load(path)
    if reset:
        shown.pop(stem, None)
        _save(path, shown)
        print(f"Hints of exercise {number(stem)} reset: the next `make hint` shows the first.")
        return 0
    if not hints:
        print(f"Exercise {number(stem)} has no hints. Read its instructions again.")
        return 0
    print(f"Exercise {number(stem)}: {spec.TITLE}\n")
    upto = len(hints) if show_all else min(shown.get(stem, 0) + 1, len(hints))
    for i in range(upto):
        if show_all or i == upto - 1:
            print(format_hint(i + 1, len(hints), hints[i]) + "\n")
    shown[stem] = max(shown.get(stem, 0), upto)
    _save(path, shown)
    if upto < len(hints):
        print(
            f"Still stuck? `make hint EX={number(stem)}` again for the next one "
            f"({len(hints) - upto} left). / Vẫn bí? Gõ lại lệnh để xem gợi ý tiếp theo."
        )
    else:
        print(
            "That was the last hint. `--all` shows them all again; the reference solution "
            f"is solutions/{stem}.py if you really need it."
        )
    return 0
