"""Hints that teach: the first hint of every exercise is the idea, the last one the code."""

from __future__ import annotations

import re

import pytest

from lab.exercises import all_exercises

# A call "name(...)" or "obj.method(...)", or an assignment "x = ...": code, not an idea.
CALL = re.compile(r"\b[A-Za-z_][\w.]*\([^)]*\)")
ASSIGN = re.compile(r"(?<![=!<>])=(?!=)")


def looks_like_code(text: str) -> bool:
    return bool(CALL.search(text) or ASSIGN.search(text))


@pytest.mark.parametrize("ex", all_exercises(), ids=lambda ex: ex.stem)
def test_first_hint_is_the_idea_and_the_last_the_code(ex):
    assert len(ex.hints) >= 2
    first, last = ex.hints[0], ex.hints[-1]
    for text in (first.en, first.vi):
        assert not looks_like_code(text), f"{ex.stem}: hint 1 shows code: {text}"
    assert looks_like_code(last.en) and looks_like_code(last.vi), f"{ex.stem}: last hint"
