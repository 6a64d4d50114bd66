"""Installed packages' entry points read once per learner's process, not once per question.

``monkey.patch_all()`` announces each module it patches to gevent's plugins: every one of its
25 events calls ``importlib.metadata.entry_points(group=...)``, and the standard library
answers each call by reading the metadata of every installed distribution again. In the
lab's environment (the grader's and the tools' packages: about 70) that made ``patch_all()``
cost 0.13 s of the 0.25 s a learner's process spends before its exercise can start (gevent
26, Python 3.13). Nothing is installed while an exercise is graded (no new process may be
started), so the first answer stays true for the process's life: later calls select from it,
as the standard library itself does (``EntryPoints.select``). Same answers, same plugins run.
"""

from __future__ import annotations

import functools
from importlib import metadata


def read_once() -> None:
    """Make ``importlib.metadata.entry_points`` read the installed packages' metadata once."""
    if getattr(metadata.entry_points, "_read_once", False):
        return
    read = metadata.entry_points
    everything: list[metadata.EntryPoints] = []

    @functools.wraps(read)
    def entry_points(**params):
        if not everything:
            everything.append(read())
        return everything[0].select(**params)

    entry_points._read_once = True  # type: ignore[attr-defined]
    metadata.entry_points = entry_points
