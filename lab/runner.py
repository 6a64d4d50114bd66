"""``python -m lab run 06``: run one exercise as a module, with the lab's environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from lab import health
from lab.config import REPO_ROOT, LabConfig
from lab.errors import LabError

EXERCISES = REPO_ROOT / "exercises"


def find_exercise(ex: str, folder: Path = EXERCISES) -> Path:
    """``exercises/exNN_*.py`` for "NN" or "N"; a LabError listing the choices otherwise."""
    available = sorted(p.stem for p in folder.glob("ex[0-9][0-9]_*.py"))
    choices = ", ".join(s[2:4] for s in available) or "none yet"
    if not re.fullmatch(r"\d{1,2}", ex or ""):
        raise LabError(
            f"Which exercise? Give its number, not {ex!r}.",
            f"For example: make run EX=06 (available: {choices}).",
        )
    matches = sorted(folder.glob(f"ex{int(ex):02d}_*.py"))
    if not matches:
        raise LabError(f"There is no exercise {int(ex):02d} in {folder}.", f"Available: {choices}.")
    return matches[0]


def run_exercise(cfg: LabConfig, ex: str) -> int:
    """Run the exercise in the repo root with the LAB_* variables; its exit status."""
    path = find_exercise(ex)
    if not health.check_toxiproxy(cfg).answers:
        # Greenlet exercises need no lab, so run anyway; network ones will say why they fail.
        print(
            f"Note: the lab is not running (nothing answers at {cfg.toxiproxy_url}); "
            "exercises that use the network need `make lab-up` first.",
            file=sys.stderr,
        )
    module = f"exercises.{path.stem}"
    print(f"$ python -m {module}", flush=True)
    env = {**os.environ, **cfg.to_env()}
    return subprocess.run([sys.executable, "-m", module], cwd=REPO_ROOT, env=env).returncode
