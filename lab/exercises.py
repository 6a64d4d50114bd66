"""The exercises, as ``lab/exercises.toml`` describes them, and how to find one.

``find("6")``, ``find("06")``, ``find("ex06")``, ``find("ex06_parallel_http")`` and
``find("parallel_http")`` all give exercise 06; anything else is a ``LabError`` that lists
the choices.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.i18n import catalogue, has, t

MANIFEST = Path(__file__).resolve().parent / "exercises.toml"
EXERCISES_DIR = REPO_ROOT / "exercises"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
CHECKS_DIR = Path(__file__).resolve().parent / "checks"
SOURCES = ("G1", "G2", "E1", "E2", "E3", "E4", "E5", "none")
KINDS = ("greenlet", "gevent")


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    en: str
    vi: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: its files share the stem ``ex<NN>_<slug>``."""

    number: int
    slug: str
    title: Text
    summary: Text
    source: str  # G1, G2, E1-E5 or "none"
    kind: str  # "greenlet" (switched by hand) or "gevent" (switched by the event loop)
    needs_lab: bool
    time_limit: float
    hints: tuple[Text, ...]

    @property
    def code(self) -> str:
        """ "06"."""
        return f"{self.number:02d}"

    @property
    def stem(self) -> str:
        """ "ex06_parallel_http": the module name in exercises/, solutions/ and lab/checks/."""
        return f"ex{self.code}_{self.slug}"

    @property
    def is_greenlet(self) -> bool:
        """True for the exercises that switch greenlets by hand (no gevent, no event loop)."""
        return self.kind == "greenlet"

    @property
    def check_module(self) -> str:
        return f"lab.checks.{self.stem}"

    def file_in(self, folder: Path) -> Path:
        return Path(folder) / f"{self.stem}.py"


@cache
def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in order."""
    with MANIFEST.open("rb") as f:
        entries = tomllib.load(f)["exercise"]
    exercises = tuple(_exercise(e) for e in entries)
    numbers = [e.number for e in exercises]
    if numbers != sorted(set(numbers)):
        raise ValueError(f"{MANIFEST}: exercise numbers must be unique and in order: {numbers}")
    return exercises


def _exercise(entry: dict) -> Exercise:
    if entry["source"] not in SOURCES:
        raise ValueError(f"{MANIFEST}: source {entry['source']!r} is not one of {SOURCES}")
    if entry["kind"] not in KINDS:
        raise ValueError(f"{MANIFEST}: kind {entry['kind']!r} is not one of {KINDS}")
    code = f"{int(entry['number']):02d}"
    return Exercise(
        number=int(entry["number"]),
        slug=entry["slug"],
        title=_words(f"exercise.{code}.title"),
        summary=_words(f"exercise.{code}.summary"),
        source=entry["source"],
        kind=entry["kind"],
        needs_lab=bool(entry["needs_lab"]),
        time_limit=float(entry["time_limit"]),
        hints=tuple(_words(f"exercise.{code}.hint.{i}") for i in _hint_numbers(code)),
    )


def _words(id: str) -> Text:
    """One of an exercise's texts (lab/locales), in both languages."""
    return Text(en=catalogue("en")[id], vi=catalogue("vi")[id])


def _hint_numbers(code: str) -> list[int]:
    """1, 2, ... as far as ``exercise.NN.hint.<i>`` goes in the catalogue."""
    numbers, i = [], 1
    while has(f"exercise.{code}.hint.{i}"):
        numbers.append(i)
        i += 1
    return numbers


def find(text: str | int | None, command: str = "make check EX=06") -> Exercise:
    """The exercise named by ``text`` (6, "06", "ex06", its stem or slug), or a LabError."""
    wanted = str(text if text is not None else "").strip().lower()
    number = re.fullmatch(r"(?:ex)?(\d{1,2})(?:_\w+)?", wanted)
    for ex in all_exercises():
        if (number and int(number.group(1)) == ex.number) or wanted in (ex.slug, ex.stem):
            return ex
    choices = ", ".join(ex.code for ex in all_exercises())
    raise LabError(
        t("err.no_exercise", text=text) if wanted else t("err.which_exercise"),
        t("err.exercise.hint", command=command, choices=choices),
    )
