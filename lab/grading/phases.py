"""Where a grading's time goes: ``LAB_PHASES=1 gevent-lab check 06`` prints, after each
exercise, how long each phase of the engine took (to stderr). Off, it costs nothing."""

from __future__ import annotations

import os
import sys
import time

_on = os.environ.get("LAB_PHASES") == "1"
_marks: list[tuple[str, float]] = []
_began: list[float] = [0.0]  # how old the command was when this exercise began


def start(label: str) -> None:
    if _on:
        _marks[:] = [(label, time.monotonic())]
        _began[0] = _age()


def _age() -> float:
    """Seconds since this process started, from /proc (to 10 ms; psutil's create_time()
    counts from a boot time rounded to the second)."""
    with open("/proc/self/stat") as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - started


def mark(name: str) -> None:
    if _on:
        _marks.append((name, time.monotonic()))


def report() -> None:
    if not _on or not _marks:
        return
    (label, began), last = _marks[0], _marks[0][1]
    lines = [f"phases of {label} (began {_began[0]:.2f} s after the command started):"]
    for name, at in _marks[1:]:
        lines.append(f"  {name:18} {at - last:6.3f} s")
        last = at
    lines.append(f"  {'(total)':18} {last - began:6.3f} s")
    print("\n".join(lines), file=sys.stderr, flush=True)
