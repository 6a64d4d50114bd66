"""``python -m lab ARGS`` as a child process, the way a learner's shell runs it: the one
helper behind every test that drives the command line (each test file keeps a small wrapper
that says which environment it needs)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from lab.config import REPO_ROOT


def without_lab_variables() -> dict[str, str]:
    """This process's environment minus every ``LAB_*`` variable (so a developer's own
    settings, or this session's, do not leak into the child)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}


def learner_shell() -> dict[str, str]:
    """A learner's shell: this environment without ``LAB_*``, without CI's ``CI``/``STRICT``
    and without the variables of a make that runs these tests (``MAKELEVEL``, ``MAKEFLAGS``:
    a make started here would be a sub-make, saying ``make[1]: ***``)."""
    dropped = ("CI", "STRICT", "MAKELEVEL", "MAKEFLAGS", "MFLAGS")
    return {k: v for k, v in without_lab_variables().items() if k not in dropped}


def run_lab(
    *args: str, env: Mapping[str, str], timeout: float = 120, **kw: Any
) -> subprocess.CompletedProcess:
    """Run ``python -m lab ARGS`` from the repository with exactly ``env``, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=REPO_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )
