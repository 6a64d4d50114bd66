"""``gevent-lab run 06``: run one exercise file, with the lab's environment."""

from __future__ import annotations

import os
import subprocess
import sys

from lab import health
from lab.config import LabConfig
from lab.errors import LabError
from lab.exercises import EXERCISES_DIR, find
from lab.i18n import t


def run_exercise(cfg: LabConfig, ex: str) -> int:
    """Run the exercise in the repo root with the LAB_* variables; its exit status."""
    exercise = find(ex, command="make run EX=06")
    if exercise.needs_lab and not health.check_toxiproxy(cfg).answers:
        # Run anyway and every greenlet would print a connection traceback (ex07: 91 lines).
        raise LabError(
            t("err.run.no_lab", url=cfg.toxiproxy_url, code=exercise.code),
            t("err.run.no_lab.hint", code=exercise.code),
        )
    module = f"exercises.{exercise.stem}"
    print(f"$ python -m {module}", flush=True)
    env = {**os.environ, **cfg.to_env()}
    path = exercise.file_in(EXERCISES_DIR)
    return subprocess.run(
        [sys.executable, "-m", module], cwd=path.parent.parent, env=env
    ).returncode
