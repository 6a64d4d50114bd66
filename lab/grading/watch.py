"""``gevent-lab watch NN``: re-grade an exercise each time its file is saved.

Polls the file's modification time (no extra dependency). Each grading runs as its own
``python -m lab check NN`` process, so every run sees the file as saved. When
the exercise needs the lab and none is up, one is started for the whole watch and stopped on
Ctrl-C, instead of once per save.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from contextlib import nullcontext

from lab import config
from lab.config import REPO_ROOT
from lab.exercises import find
from lab.grading.labsession import lab_for_grading
from lab.grading.target import resolve_target
from lab.i18n import t


def mtime(path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def watch(
    ex: str | None,
    target_name: str = "exercises",
    interval: float = 0.5,
    max_runs: int | None = None,
) -> int:
    """Grade now and after every save until Ctrl-C (or ``max_runs`` gradings, for tests)."""
    target = resolve_target(target_name)
    exercise = find(ex, command="make watch EX=06")
    path = target.file(exercise)
    cmd = [sys.executable, "-m", "lab", "check", exercise.code, "--target", str(target.path)]
    lab = lab_for_grading(config.load()) if exercise.needs_lab else nullcontext()
    runs = 0
    # Ctrl-C stops the watch even when it was started from a background job, which inherits
    # SIGINT ignored (Python then keeps ignoring it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with lab:
            seen = None
            while max_runs is None or runs < max_runs:
                now = mtime(path)
                if now != seen:
                    seen = now
                    runs += 1
                    when = time.strftime("%H:%M:%S")
                    shown = target.display(exercise)
                    print("\n" + t("watch.grading", time=when, file=shown), flush=True)
                    subprocess.run(cmd, cwd=REPO_ROOT)
                    print(t("watch.waiting", file=target.display(exercise)), flush=True)
                time.sleep(interval)
    except KeyboardInterrupt:
        print("\n" + t("watch.stopped"))
    return 0
