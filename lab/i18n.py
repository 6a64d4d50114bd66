"""Every message the grader and the learner's commands print, in English and Vietnamese.

``t(id, **kw)`` formats message ``id`` in the learner's language; ``lang()`` says which:

1. ``LAB_LANG`` in the environment (``vi`` or ``en``), else in the checkout's ``.env``;
2. else the locale: ``vi`` when ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starts with ``vi``;
3. else ``en``.

The grader passes its choice to the learner's process as ``LAB_LANG``, so failure reasons
built there (lab/checks) speak the same language. This module imports only the standard
library (``json``, ``os``, ``pathlib``): checks and exercise programs import it in the
learner's process, some before any monkey patching.

The texts are data: ``lab/locales/<lang>.json``, one flat ``{id: text}`` object per
language, read when first needed. Both files have the same ids, and each id's texts are
``str.format`` strings with the same placeholders (tests/lab/test_i18n.py checks it). Ids
are grouped by the module that prints them (``speed.*``, ``trace.*``, ``err.*``, ``ui.*``:
the dashboard); ``unit.<word>`` names a unit of work (see ``unit()``). Code, names of
functions and files stay as they are in both languages.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms here (mypy reads the name)
if TYPE_CHECKING:
    from typing import Protocol

    class Bilingual(Protocol):
        """A text kept in both languages (an exercise's title, summary or hint)."""

        @property
        def en(self) -> str: ...
        @property
        def vi(self) -> str: ...


LANGS = ("en", "vi")
LOCALES = Path(__file__).resolve().parent / "locales"
_DOTENV = Path(__file__).resolve().parent.parent / ".env"


# Not python-dotenv: this module is imported in the learner's process before monkey
# patching, and dotenv imports logging and threading (16 ms here). One key, read plainly.
def _dotenv_lang() -> str:
    try:
        for raw in _DOTENV.read_text().splitlines():
            key, _, value = raw.strip().partition("=")
            if key.strip().removeprefix("export ").strip() == "LAB_LANG":
                return value.strip().strip("'\"")
    except OSError:
        pass
    return ""


def lang(environ: Mapping[str, str] | None = None) -> str:
    """ "vi" or "en" (see the module docstring), from ``environ`` (default: os.environ)."""
    env = os.environ if environ is None else environ
    chosen = env.get("LAB_LANG") or _dotenv_lang()
    if chosen:
        return "vi" if chosen.strip().lower().startswith("vi") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """Every message of one language: ``{id: text}`` from ``lab/locales/<language>.json``."""
    with (LOCALES / f"{language}.json").open(encoding="utf-8") as f:
        texts: dict[str, str] = json.load(f)
    return texts


def has(id: str) -> bool:
    """Whether the catalogue has message ``id``."""
    return id in catalogue("en")


def t(id: str, **kw: object) -> str:
    """Message ``id`` in the learner's language, formatted with ``kw``.

    Numbers are written the language's way ("0,61 giây", "0.61 s") by ``number()``."""
    language = lang()
    text = catalogue(language).get(id) or catalogue("en")[id]
    return text.format(**{key: number(value, language) for key, value in kw.items()})


class Number:
    """A number in a message: the format spec (``{elapsed:.2f}``) chooses its digits and width
    as in Python; the language chooses how they are written (its decimal sign, via Babel).
    ``!r`` gives the number's repr, as written in code."""

    __slots__ = ("language", "value")

    def __init__(self, value: int | float, language: str):
        self.value, self.language = value, language

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        return text if self.language in _POINT_LANGS else _written(text, self.language)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return repr(self.value)


def number(value: object, language: str | None = None) -> object:
    """``value`` ready for a message in ``language`` (default: the learner's): a ``Number``
    for an int or a float, anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Number(value, language or lang())
    return value


_POINT_LANGS = frozenset({"en"})  # languages written with Python's own "1234.5": no Babel


def _written(text: str, language: str) -> str:
    """Python's "  0.61" (digits already rounded by the spec) in ``language``: "  0,61"."""
    core = text.strip()
    if "." not in core or not all(c in "0123456789.-" for c in core):
        return text  # an integer, an exponent, inf/nan, "%": as Python wrote it
    from decimal import Decimal

    from babel.numbers import format_decimal  # 9 ms, only where the decimal sign differs

    pattern = "0." + "0" * len(core.partition(".")[2])
    written = format_decimal(Decimal(core), pattern, locale=language, group_separator=False)
    return text.replace(core, written)


def unit(word: str) -> str:
    """A unit of work named by a check ("requests", "look-ups"), in the learner's language."""
    return catalogue(lang()).get(f"unit.{word}", word)


def localized(text: Bilingual) -> str:
    """The learner's language's half of ``text`` (e.g. ``localized(exercise.title)``)."""
    return text.vi if lang() == "vi" else text.en
