"""The blocked-loop detector (in the learner's process): names the learner's line that kept gevent's event loop from
running for more than ``THRESHOLD_S`` (50 ms) while a gevent exercise (04-11) is timed.

How it works, without a thread (the grader fails OS threads it sees during the timed call,
so gevent's own monitor thread, ``gevent.config.monitor_thread``/``max_blocking_time``, would
fail every exercise; this needs none):

- a repeating timer on the hub's loop (``loop.timer(..., ref=False)``: it never keeps the
  loop alive, so a learner's ``LoopExit`` stays a ``LoopExit``) runs every ``PET_S`` (25 ms)
  and re-arms a one-shot ``SIGALRM`` ``THRESHOLD_S`` ahead (``signal.setitimer``);
- while the loop runs, the alarm never fires (it is pushed back every 25 ms, and no signal
  is ever delivered). When the loop is blocked (an unpatched ``time.sleep``, a socket gevent
  did not patch, a busy loop), the alarm fires: Python runs its handler in the main thread
  as soon as it can (a ``time.sleep`` or a blocking ``recv`` is interrupted and resumed, PEP
  475), with the frame that is running. The handler walks that stack out to the innermost
  frame of the learner's file and remembers it: file, line, and what that line was calling;
- when the timer runs again, the gap since its previous run is how long the loop was
  blocked. A block is recorded only when it happened at a line of the learner's files (a
  process the OS did not schedule for a while, inside the hub, names no learner line) and
  lasted more than ``REPORT_S`` (0.1 s): on a busy 2-core machine a process can lose the
  CPU for 50-60 ms anywhere (one reference solution, graded 27 times under load, was once
  "blocked" 56 ms inside a patched urlopen); nothing that blocks for real is that short
  in these exercises (their latencies are 150 ms or more).
- "io" (a wait on a socket gevent did not patch) is said only when the socket module is
  not patched; with it patched, time spent inside an I/O library is computing, "cpu".

``LAB_BLOCKED_LOOP=off`` in the grader's environment turns the detector off (to compare).

Each block is sent to the grader at once on the channel (``blocked`` events, at most
``MAX_SENT``); the grader shows them on a FAIL (lab.grading.report.blocked_line) and
``gevent-lab trace`` always.
Timing here uses the learner process's clock: changing it can hide a block, never make one.
"""

from __future__ import annotations

import linecache
import os
import signal
import sys
import time
from typing import Any

from lab.grading.inside import channel

THRESHOLD_S = 0.05  # the alarm: the loop has not run for this long
REPORT_S = 0.1  # a block is recorded when it lasted this long (see below)
PET_S = 0.025
MAX_SENT = 20
_IO_MODULES = ("socket", "ssl", "http", "urllib", "urllib3", "requests", "selectors", "select")

LEARNER_DIR = ""  # set by the runner: the folder of the learner's exercise file


class Watchdog:
    """Started around the learner's timed call (lab.grading.inside.timed)."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []
        self._pending: dict[str, Any] | None = None
        self._last = 0.0
        self._timer: Any = None
        self._old_handler: Any = None

    def start(self) -> None:
        if os.environ.get("LAB_BLOCKED_LOOP") == "off":  # to measure the grader without it
            return
        gevent = sys.modules.get("gevent")
        if gevent is None or not LEARNER_DIR or not hasattr(signal, "setitimer"):
            return
        try:
            loop = gevent.get_hub().loop
            self._old_handler = signal.signal(signal.SIGALRM, self._alarm)
            self._timer = loop.timer(PET_S, PET_S, ref=False)
            self._timer.start(self._pet)
        except Exception:  # never let the detector break a grading
            self._timer = None
            return
        self._last = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, THRESHOLD_S)

    def stop(self) -> None:
        if self._timer is None:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        self._pet()  # a block still going on when the call returned
        signal.setitimer(signal.ITIMER_REAL, 0)
        self._timer.stop()
        self._timer = None
        try:
            signal.signal(signal.SIGALRM, self._old_handler or signal.SIG_DFL)
        except (TypeError, ValueError):
            pass

    def _pet(self) -> None:
        now = time.monotonic()
        gap, pending = now - self._last, self._pending
        self._pending, self._last = None, now
        if self._timer is not None:
            signal.setitimer(signal.ITIMER_REAL, THRESHOLD_S)
        if pending is not None and gap > REPORT_S:
            block = {**pending, "seconds": round(gap, 3)}
            self.blocks.append(block)
            if len(self.blocks) <= MAX_SENT:
                channel.send("blocked", **block)

    def _alarm(self, signum: int, frame: Any) -> None:
        if self._pending is None:
            self._pending = where(frame)


def _is_learners(filename: str) -> bool:
    return bool(LEARNER_DIR) and os.path.dirname(os.path.abspath(filename)) == LEARNER_DIR


def _socket_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey is not None and monkey.is_module_patched("socket"))


def where(frame: Any) -> dict[str, Any] | None:
    """The innermost frame of the learner's files on ``frame``'s stack, and what it called:
    ``{"file", "line", "function", "call", "cause"}`` (cause: sleep, io or cpu); None when
    no learner's frame is on the stack."""
    inner = None
    while frame is not None and not _is_learners(frame.f_code.co_filename):
        inner, frame = frame, frame.f_back
    if frame is None:
        return None
    filename, line = frame.f_code.co_filename, frame.f_lineno
    text = linecache.getline(filename, line).strip()
    if inner is not None:
        module = str(inner.f_globals.get("__name__", ""))
        call = f"{module}.{inner.f_code.co_name}" if module else inner.f_code.co_name
        root = module.split(".")[0]
        cause = "io" if root in _IO_MODULES and not _socket_patched() else "cpu"
        cause = "sleep" if "sleep" in call and cause == "cpu" and root == "time" else cause
    elif "sleep(" in text:
        call, cause = ("time.sleep" if "time.sleep" in text else text), "sleep"
    else:
        call, cause = text or frame.f_code.co_name, "cpu"
    return {
        "file": os.path.relpath(filename),
        "line": line,
        "function": frame.f_code.co_name,
        "call": call,
        "cause": cause,
    }
