"""When each unit of work started and finished, and text bars to draw it.

In a check's ``run`` (inside the learner's subprocess)::

    from lab.grading.timeline import Timeline
    timeline = Timeline()
    module.fetch_one = timeline.wrap(module.fetch_one)          # label: first argument
    results = timed(module.fetch_all, urls)                     # lab.checks._common

Every call of a wrapped function sends "unit+" and "unit-" events on the grader's channel,
and ``timed`` sends "begin"/"end" around the learner's call: the grader stamps them with its
own clock and builds ``observed["elapsed"]`` and ``observed["timeline"]`` from them
(harness.apply_events), whatever the learner's process does to its clocks. The entries
recorded here in-process serve only messages raised inside ``run`` itself.

This module imports nothing that gevent patches, so a check may import it at any time.
"""

from __future__ import annotations

import functools
import itertools
import time

from lab.grading import channel
from lab.i18n import t

_ids = itertools.count(1)


class Timeline:
    """Start/end times (seconds since the Timeline was made) of calls to wrapped functions."""

    def __init__(self, span: str = "call") -> None:
        self.origin = time.perf_counter()
        self.span = span  # the timed call these units belong to (see _common.timed)
        self._entries: list[dict] = []

    def now(self) -> float:
        return time.perf_counter() - self.origin

    def wrap(self, fn, label=None):
        """``fn`` recording one entry per call. ``label(*args, **kwargs) -> str`` names the
        unit; by default the first argument (or the function's name)."""

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            name = label(*args, **kwargs) if label else (str(args[0]) if args else fn.__name__)
            entry = {"label": name, "start": self.now(), "end": None}
            self._entries.append(entry)
            unit = next(_ids)
            channel.send("unit+", id=unit, label=name, span=self.span)
            try:
                return fn(*args, **kwargs)
            finally:
                entry["end"] = self.now()
                channel.send("unit-", id=unit)

        return timed

    def entries(self) -> list[dict]:
        """JSON-ready entries in start order; a unit that never finished has ``end`` None."""
        return sorted((dict(e) for e in self._entries), key=lambda e: e["start"])


def render(
    entries: list[dict], width: int = 40, max_rows: int = 12, floor: float | None = None
) -> str:
    """Text bars, one row per unit, on a shared time axis::

    0.00s                                   2.04s
    fetch /bytes/10  |#####                                   |
    fetch /bytes/20  |     #####                              |

    With ``floor`` (seconds: the fastest any solution can be), a ``|`` marks it on every
    lane and a ruler under the lanes says where it is.
    """
    if not entries:
        return ""
    rows = entries[:max_rows]
    end = max((e["end"] if e["end"] is not None else e["start"]) for e in entries) or 1e-9
    if floor is not None:
        end = max(end, floor)
    names = [str(e["label"])[:28] for e in rows]
    pad = max(len(n) for n in names)
    mark = None if floor is None else min(width - 1, int(floor / end * width))
    lines = [f"{'':{pad}}   0.00s{'':{width - 10}}{end:5.2f}s"]  # under the bars' ends
    for name, e in zip(names, rows):
        stop = e["end"] if e["end"] is not None else end
        a = min(width - 1, int(e["start"] / end * width))
        b = max(a + 1, min(width, round(stop / end * width)))
        cells = [" "] * a + ["#"] * (b - a) + [" "] * (width - b)
        if mark is not None and cells[mark] == " ":
            cells[mark] = "|"
        tail = "" if e["end"] is not None else "  " + t("timeline.never_finished")
        lines.append(f"{name:{pad}}  |{''.join(cells)}|{tail}")
    if len(entries) > max_rows:
        lines.append(f"{'':{pad}}  " + t("timeline.more", n=len(entries) - max_rows))
    if mark is not None and floor is not None:
        ticks = ["-"] * width
        for q in range(0, width, width // 4 or 1):
            ticks[q] = "+"
        ticks[mark] = "^"
        lines.append(f"{'':{pad}}   {''.join(ticks)}")
        lines.append(f"{'':{pad}}   {'':{mark}}^ {t('timeline.floor', floor=floor)}")
        lines.append(
            f"{'':{pad}}   "
            + t("timeline.legend", lanes=len(entries), at_once=max_overlap(entries))
        )
    return "\n".join(lines)


def max_overlap(entries: list[dict]) -> int:
    """The largest number of units that were running at the same moment."""
    events = []
    for e in entries:
        end = e["end"] if e["end"] is not None else float("inf")
        events += [(e["start"], 1), (end, -1)]
    running = peak = 0
    for _, step in sorted(events, key=lambda ev: (ev[0], ev[1])):
        running += step
        peak = max(peak, running)
    return peak
