"""``gevent-lab run 06``: run one exercise file, with the lab's environment.

Its standard error goes through ``OneTraceback``: a failure that every greenlet meets
(a TODO, a bug in the function they all run) prints one traceback and a count, not one
traceback per greenlet (ex11's ten clients printed ten identical ones).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TextIO

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
    return run_module(module, EXERCISES_DIR.parent, env)


def run_module(module: str, cwd: os.PathLike | str, env: dict[str, str]) -> int:
    """``python -m module`` in ``cwd``: its output as it comes, each traceback once."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=cwd,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        bufsize=1,
    )
    assert proc.stderr is not None
    errors = OneTraceback(sys.stderr)
    try:
        for line in proc.stderr:
            errors.feed(line)
    finally:
        errors.close()
        returncode = proc.wait()
    return returncode


_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>.+)$')
_GEVENT_FOOTER = re.compile(r"<Greenlet\b.*> failed with \w+$")  # gevent's hub, after each
_CHAINED = ("During handling of the above exception", "The above exception was the direct")


class OneTraceback:
    """A program's standard error, with each traceback written only the first time: a
    traceback is "the same" when its innermost frame and its exception type are (the
    message may differ: each greenlet had its own URL). ``close()`` says how many were
    left out. Everything else passes through as it comes."""

    def __init__(self, out: TextIO):
        self.out = out
        self.block: list[str] = []
        self.phase = ""  # "frames": inside a traceback; "tail": after its exception line
        self.skipped: dict[tuple[str, str], int] = {}
        self.swallow_blank = False  # gevent's footer is followed by a blank line

    def feed(self, line: str) -> None:
        if not self.block:
            self._outside(line)
        elif self.phase == "frames":
            self.block.append(line)
            if line.strip() and not line[0].isspace():
                self.phase = "tail"  # the exception line
        else:
            self._tail(line)

    def close(self) -> None:
        if self.block:
            self._flush()
        for (where, error), n in self.skipped.items():
            if n:
                self.out.write(t("run.repeated", error=error, where=where, n=n) + "\n")
        self.out.flush()

    def _outside(self, line: str) -> None:
        if self.swallow_blank and not line.strip():
            self.swallow_blank = False
            return
        self.swallow_blank = False
        if line.startswith("Traceback (most recent call last):"):
            self.block, self.phase = [line], "frames"
        else:
            self.out.write(line)
            self.out.flush()

    def _tail(self, line: str) -> None:
        if not line.strip() or line.startswith(_CHAINED):
            self.block.append(line)
        elif line.startswith("Traceback (most recent call last):"):
            self.block.append(line)
            self.phase = "frames"
        elif _GEVENT_FOOTER.search(line):
            self.block.append(line)
            self._flush()
        else:
            self._flush()
            self._outside(line)

    def _flush(self) -> None:
        block, self.block, self.phase = self.block, [], ""
        key = _key(block)
        if key is None or key not in self.skipped:
            if key is not None:
                self.skipped[key] = 0
            self.out.write("".join(block))
            self.out.flush()
        else:
            self.skipped[key] += 1
            self.swallow_blank = _GEVENT_FOOTER.search(block[-1]) is not None


def _key(block: list[str]) -> tuple[str, str] | None:
    """(innermost frame "file.py:12, f()", exception type) of a traceback's last exception."""
    frames = [m for m in map(_FRAME.match, block) if m]
    raised = [
        ln
        for ln in block
        if ln.strip()
        and not ln[0].isspace()
        and not ln.startswith(("Traceback", *_CHAINED))
        and not _GEVENT_FOOTER.search(ln)
    ]
    if not frames or not raised:
        return None
    last = frames[-1]
    where = f"{os.path.basename(last['file'])}:{last['line']}, {last['function']}()"
    return where, raised[-1].split(":", 1)[0].strip()
