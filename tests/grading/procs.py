"""Which processes run right now, read from /proc (for tests that check nothing is left)."""

from __future__ import annotations

from pathlib import Path


def running(*needles: str) -> list[int]:
    """Pids of processes whose command line contains every one of ``needles``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if cmdline and all(n in cmdline for n in needles):
            pids.append(int(proc.name))
    return pids
