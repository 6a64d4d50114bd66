"""The learner's process, started before the grader needs it: for ``gevent-lab check NN``,
before the grader imports the rest of itself; for ``gevent-lab check``, each exercise's as
soon as the one before it has its verdict.

A learner's process spends 0.2-0.3 s starting Python and importing gevent, requests and the
learner's module before it can be handed its case; the grader spends about 0.25 s importing
its own modules and 0.1 s looking at and setting up the lab. Started one after the other, the
learner waits for both; started first (``start``, from the command line, with only light
imports), the two overlap: the learner is ready 0.08 s sooner after the handover, and check
06's verdict came in 1.47 s instead of 1.57 s (median of 5 runs, lab up). In a whole
``check``, the driver asks for the next exercise's process (``start_for``) as soon as the
current exercise has its verdict, so that its imports overlap the next setup (about 0.25 s
off a whole check), never a run: nothing its module does when imported can reach the
records another exercise is judged by.

The process is the same one the grader would start (lab.grading.process.Learner, same
environment and arguments): the grader ``take``s it when it grades that exercise against a
lab with the same addresses, and starts its own otherwise; whatever is not taken is stopped
by ``discard``. Nothing here decides anything: any error means no early start.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import TYPE_CHECKING

from lab.grading.process import Learner, learner_env

if TYPE_CHECKING:
    from lab.config import LabConfig

_waiting: dict[tuple, Learner] = {}


def _key(env: dict[str, str], file: str, check_module: str, switches: bool, limit: float) -> tuple:
    return (tuple(sorted(env.items())), file, check_module, switches, limit)


def start(exercise: str, target_name: str) -> None:
    """Start the learner's process for ``exercise`` of ``target_name``, if it can be known
    now which lab it will be graded against (the recorded one, or the configured one)."""
    from lab import config, state
    from lab.exercises import find
    from lab.grading.target import resolve_target

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # the grader says it, once, later
            ex = find(exercise)
            file = resolve_target(target_name).file(ex)
            cfg = config.load(state=False)
            if ex.needs_lab:
                cfg = state.active(cfg)[0]
    except Exception:  # the grader finds and says what is wrong, when it gets there
        return
    start_for(cfg, str(file), ex.check_module, ex.is_greenlet, ex.time_limit)


def start_for(cfg: LabConfig, file: str, check_module: str, switches: bool, limit: float) -> None:
    """Start the learner's process for these arguments against ``cfg``'s lab, to be taken
    later; nothing when the file is missing or anything goes wrong."""
    args = (file, check_module, switches, limit)
    key = _key(learner_env(cfg), *args)
    if key in _waiting or not os.path.isfile(file):
        return
    try:
        _waiting[key] = Learner(cfg, *args)
    except Exception:  # the grader starts its own when it gets there, and says what fails
        return


def take(
    cfg: LabConfig, file: str, check_module: str, switches: bool, time_limit: float
) -> Learner | None:
    """The early process for these arguments and ``cfg``'s lab, once; else None."""
    return _waiting.pop(_key(learner_env(cfg), file, check_module, switches, time_limit), None)


def discard() -> None:
    """Stop every early process the grader did not take."""
    while _waiting:
        _waiting.popitem()[1].abandon()
