"""Every greenlet switch of exercises 01-03, recorded in the learner's process.

``Recorder`` installs ``greenlet.settrace`` around the check's ``run``: each "switch" or
"throw" is noted in order (which greenlet left, in which function and line it called
``switch``/``throw`` or that it ended; which greenlet took over and in which function it
resumes, or that it starts). ``stop()`` names the greenlets (the learner module's globals
that hold them, ``main``, else ``greenlet(<function>)``) and sends everything to the grader
as one "switches" event on the channel; ``gevent-lab trace`` prints it.
"""

from __future__ import annotations

import sys
from typing import Any

from lab.grading.inside import channel

MAX_SWITCHES = 400


class Recorder:
    """Holds no reference to any greenlet (a check may test what garbage collection does to
    one): each is named when it is seen."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.switches: list[dict[str, str]] = []
        self._anonymous: dict[int, str] = {}
        self._previous: Any = None
        self._on = False
        self._full = False

    def start(self) -> None:
        import greenlet

        self._previous = greenlet.settrace(self._trace)
        self._on = True

    def _trace(self, event: str, args: Any) -> None:
        if event not in ("switch", "throw"):
            return
        if len(self.switches) >= MAX_SWITCHES:
            self._full = True
            return
        origin, target = args
        left = origin.gr_frame
        caller = sys._getframe().f_back  # the target's frame, resuming (None: it starts)
        self.switches.append(
            {
                "event": event,
                "from": self._name(origin),
                "to": self._name(target),
                "at": f"{left.f_code.co_name}:{left.f_lineno}" if left is not None else "",
                "resumes": caller.f_code.co_name if caller is not None else "",
            }
        )

    def _name(self, g: Any) -> str:
        for name, value in vars(self.module).items():
            if value is g:
                return name
        if g.parent is None:
            return "main"
        if id(g) not in self._anonymous:
            run = getattr(g, "run", None)
            self._anonymous[id(g)] = (
                f"greenlet({getattr(run, '__name__', '#%d' % (len(self._anonymous) + 1))})"
            )
        return self._anonymous[id(g)]

    def stop(self) -> list[dict[str, str]]:
        if not self._on:
            return []
        import greenlet

        greenlet.settrace(self._previous)
        self._on = False
        channel.send("switches", switches=self.switches, more=self._full)
        return self.switches
