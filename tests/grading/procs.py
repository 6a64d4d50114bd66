"""Which processes run right now, read from /proc (for tests that check nothing is left)."""

from __future__ import annotations

import os
from pathlib import Path

from lab.config import REPO_ROOT


def running(*needles: str) -> list[int]:
    """Pids of this checkout's processes (their working directory is the repository) whose
    command line contains every one of ``needles``: another checkout's tests running at the
    same time on this machine are not ours."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd")
        except (OSError, ValueError):
            continue
        if cmdline and cwd == str(REPO_ROOT) and all(n in cmdline for n in needles):
            pids.append(int(proc.name))
    return pids
