"""Lanes as text bars on a shared time axis, for a FAIL's explanation and ``gevent-lab trace``::

    0.00s                                   2.04s
    /bytes/10  |#####                                   |
    /bytes/20  |     #####                              |

``pictures`` draws what the lab saw and, beside it, the calls the learner's process reported:
the lesson is often in the difference ("17 calls, httpbin saw 4 at once").
"""

from __future__ import annotations

from collections.abc import Sequence

from lab.grading.result import Bar, Outcome
from lab.grading.rules import max_overlap
from lab.i18n import number, t


def render(
    bars: Sequence[Bar], width: int = 40, max_rows: int = 12, floor: float | None = None
) -> str:
    """One row per lane. With ``floor`` (seconds: the fastest any solution can be), a ``|``
    marks it on every lane and a ruler under the lanes says where it is."""
    if not bars:
        return ""
    rows = list(bars)[:max_rows]
    end = max((b.end if b.end is not None else b.start) for b in bars) or 1e-9
    if floor is not None:
        end = max(end, floor)
    names = [str(b.label)[:28] for b in rows]
    pad = max(len(n) for n in names)
    mark = None if floor is None else min(width - 1, int(floor / end * width))
    zero, last = f"{number(0.0):.2f}s", f"{number(end):5.2f}s"
    lines = [f"{'':{pad}}   {zero}{'':{width - 10}}{last}"]  # under the bars' ends
    for name, b in zip(names, rows):
        stop = b.end if b.end is not None else end
        a = min(width - 1, max(0, int(b.start / end * width)))
        z = max(a + 1, min(width, round(stop / end * width)))
        cells = [" "] * a + ["#"] * (z - a) + [" "] * (width - z)
        if mark is not None and cells[mark] == " ":
            cells[mark] = "|"
        tail = "" if b.end is not None else "  " + t("timeline.never_finished")
        lines.append(f"{name:{pad}}  |{''.join(cells)}|{tail}")
    if len(bars) > max_rows:
        lines.append(f"{'':{pad}}  " + t("timeline.more", n=len(bars) - max_rows))
    if mark is not None and floor is not None:
        ticks = ["-"] * width
        for q in range(0, width, width // 4 or 1):
            ticks[q] = "+"
        ticks[mark] = "^"
        lines.append(f"{'':{pad}}   {''.join(ticks)}")
        lines.append(f"{'':{pad}}   {'':{mark}}^ {t('timeline.floor', floor=floor)}")
    lines.append(
        f"{'':{pad}}   " + t("timeline.legend", lanes=len(bars), at_once=max_overlap(bars))
    )
    return "\n".join(lines)


def pictures(outcome: Outcome, width: int = 40, max_rows: int = 12) -> str:
    """What the lab saw, then the learner's calls (each only when there is one)."""
    parts = []
    if outcome.lab:
        dns = all(b.via == "dns" for b in outcome.lab)
        who = t("seen.dns") if dns else t("seen.httpbin")
        parts += [t("timeline.lab_title", who=who),
                  render(outcome.lab, width, max_rows, outcome.floor)]  # fmt: skip
    if outcome.calls:
        parts += [t("timeline.calls_title"),
                  render(outcome.calls, width, max_rows, outcome.floor)]  # fmt: skip
    return "\n".join(parts)
