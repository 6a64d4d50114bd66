"""The folder being graded: ``exercises/`` by default, ``solutions/``, or any folder of
exercise files named like them, inside the repository or not (a teacher grading a learner's
copy: ``gevent-lab check --target ~/alice/exercises``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.exercises import Exercise, all_exercises
from lab.i18n import t


@dataclass(frozen=True)
class Target:
    """A folder of ``exNN_<slug>.py`` files."""

    path: Path

    @property
    def where(self) -> str:
        """The folder as the learner would type it ("exercises/")."""
        return f"{shown(self.path)}/"

    def file(self, ex: Exercise) -> Path:
        return ex.file_in(self.path)

    def display(self, ex: Exercise) -> str:
        """The exercise's file as the learner would type it."""
        return shown(self.file(ex))

    def present(self) -> list[Exercise]:
        """The exercises this folder has a file for, in order."""
        return [ex for ex in all_exercises() if self.file(ex).is_file()]


def resolve_target(name: str | Path = "exercises") -> Target:
    """A folder path (relative to the current directory or to the repository) or a dotted
    package name under the repository (``tests.grading.fixtures.wrong``)."""
    candidates = [Path(name), REPO_ROOT / str(name), REPO_ROOT / str(name).replace(".", "/")]
    for path in candidates:
        if path.is_dir():
            return Target(path.resolve())
    raise LabError(t("err.no_target", name=str(name)), t("err.no_target.hint"))


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it, else as it is."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
