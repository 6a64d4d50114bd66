"""Which exercises exist, found by file name (``exNN_<slug>.py``), and where to grade them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lab.config import REPO_ROOT

SPECS_DIR = Path(__file__).resolve().parent / "specs"
STEM = re.compile(r"^ex(\d\d)_\w+$")


@dataclass(frozen=True)
class Target:
    """A package of exercise modules: ``exercises``, ``solutions`` or a grader fixture."""

    package: str  # dotted, importable from the repo root
    path: Path

    @property
    def where(self) -> str:
        """The folder, as the learner would type it ("exercises/")."""
        try:
            return f"{self.path.relative_to(REPO_ROOT)}/"
        except ValueError:
            return f"{self.path}/"

    def file(self, stem: str) -> Path:
        return self.path / f"{stem}.py"

    def display(self, stem: str) -> str:
        """The module's path as the learner would type it."""
        try:
            return str(self.file(stem).relative_to(REPO_ROOT))
        except ValueError:
            return str(self.file(stem))


def resolve_target(name: str) -> Target:
    """``exercises``, ``solutions``, a dotted package or a directory under the repo."""
    path = Path(name)
    if not path.is_dir():
        path = REPO_ROOT / name.replace(".", "/")
    path = path.resolve()
    try:
        package = ".".join(path.relative_to(REPO_ROOT).parts)
    except ValueError:
        raise SystemExit(f"{name}: the target must be a package inside {REPO_ROOT}") from None
    if not (path / "__init__.py").is_file():
        raise SystemExit(f"{name}: not a package (no {path / '__init__.py'})")
    return Target(package, path)


def all_stems() -> list[str]:
    """Every exercise that has a grading spec, in order."""
    return sorted(p.stem for p in SPECS_DIR.glob("ex[0-9][0-9]_*.py") if STEM.match(p.stem))


def number(stem: str) -> str:
    """ "ex06_parallel_http" -> "06"."""
    return STEM.match(stem).group(1)


def select(target: Target, only: str | None = None) -> list[str]:
    """The exercises to grade in ``target``: those with a spec and a module there, or the
    one numbered ``only`` ("6", "06" or a stem)."""
    stems = [s for s in all_stems() if target.file(s).is_file()]
    if only is None:
        return stems
    wanted = only.removeprefix("ex").split("_")[0].zfill(2)
    return [s for s in stems if number(s) == wanted]
