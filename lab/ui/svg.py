"""A grading timeline as inline SVG: one lane per unit, the time axis, the speed floor,
and the number of units in flight over time.

The same drawing serves the live dashboard (sent to the page as markup) and the static
report. This module computes where everything goes; ``templates/timeline.svg.j2`` draws
it. Words in it carry ``data-i18n`` keys so the page can switch language in place.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup

from lab.i18n import number
from lab.ui.render import render
from lab.ui.strings import text

WIDTH = 680
LABEL_W = 150
RIGHT = 24
AXIS_H = 22
FLIGHT_H = 56
GAP = 10
LANES_MAX_H = 384.0  # past 24 lanes, lanes get thinner (and lose their labels)


def _nice_step(span: float, max_ticks: int = 8) -> float:
    raw = span / max_ticks
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def _plain(value: float, lang: str, digits: int = 2, trim: bool = False) -> str:
    """``value`` with ``digits`` decimals (fewer when ``trim``), written for ``lang``."""
    text = f"{value:.{digits}f}"
    if trim:
        text = text.rstrip("0").rstrip(".")
    return format(number(float(text), lang), f".{len(text.partition('.')[2])}f")


def _num(value: float, lang: str, digits: int = 2, trim: bool = False) -> Markup:
    """``_plain`` in a ``<tspan data-num>``: the page writes it again with
    ``Intl.NumberFormat`` when its language button is pressed."""
    least = 0 if trim else digits
    return Markup(
        f'<tspan data-num="{value:.{digits}f}" data-digits="{least}-{digits}">'
        f"{_plain(value, lang, digits, trim)}</tspan>"
    )


def in_flight(entries: list[dict], end: float) -> list[tuple[float, int]]:
    """(time, count) steps: how many units were running from each time on."""
    events: list[tuple[float, int]] = []
    for e in entries:
        events.append((float(e["start"]), 1))
        events.append((float(e["end"]) if e.get("end") is not None else end, -1))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    steps: list[tuple[float, int]] = [(0.0, 0)]
    count = 0
    for t, step in events:
        count += step
        if steps and steps[-1][0] == t:
            steps[-1] = (t, count)
        else:
            steps.append((t, count))
    return steps


class _Scale:
    """Seconds to x pixels, over the plot between the labels and the right margin."""

    def __init__(self, end: float) -> None:
        self.end = end
        self.plot_w = WIDTH - LABEL_W - RIGHT

    def x(self, t: float) -> float:
        return LABEL_W + self.plot_w * max(0.0, t) / self.end


def timeline_svg(
    entries: list[dict], floor: float | None = None, lang: str = "en", caption: str = ""
) -> str:
    """The SVG markup (a string) for ``entries`` ({label, start, end} in seconds; ``via``
    when a lab server saw them), under ``caption`` (a ui text id: whose lanes these are)."""
    entries = sorted(
        (e for e in entries if isinstance(e, dict) and e.get("start") is not None),
        key=lambda e: float(e["start"]),
    )
    if not entries:
        return ""
    ends = [float(e["end"]) if e.get("end") is not None else float(e["start"]) for e in entries]
    end = max([*ends, float(floor) * 1.05 if floor else 0.0, 1e-3])
    scale = _Scale(end)
    lane_h = 16.0 if len(entries) <= 24 else max(3.0, LANES_MAX_H / len(entries))
    flight_top = AXIS_H + len(entries) * lane_h + GAP
    bottom = flight_top + FLIGHT_H
    return render(
        "timeline.svg.j2",
        width=WIDTH,
        height=bottom + AXIS_H,
        top=AXIS_H,
        bottom=bottom,
        label_w=LABEL_W,
        label_right=LABEL_W - 6,
        right=RIGHT,
        ticks=_ticks(scale, lang),
        lanes=_lanes(entries, ends, scale, lane_h, lang),
        show_labels=lane_h >= 10,
        floor=_floor(floor, scale, lang) if floor else None,
        flight=_flight(entries, scale, bottom),
        words={"floor": text("floor", lang), "in_flight": text("in_flight", lang)},
        caption={"id": caption, "text": text(caption, lang)} if caption else None,
    )


def _ticks(scale: _Scale, lang: str) -> list[dict[str, Any]]:
    step = _nice_step(scale.end)
    ticks, t = [], 0.0
    while t <= scale.end + 1e-9:
        ticks.append({"x": scale.x(t), "label": _num(t, lang, trim=True)})
        t = round(t + step, 10)
    return ticks


def _lanes(
    entries: list[dict], ends: list[float], scale: _Scale, lane_h: float, lang: str
) -> list[dict[str, Any]]:
    lanes = []
    for i, (e, stop) in enumerate(zip(entries, ends)):
        y = AXIS_H + i * lane_h
        unfinished = e.get("end") is None
        x0, x1 = scale.x(float(e["start"])), scale.x(scale.end if unfinished else stop)
        lanes.append(
            {
                "x": x0,
                "y": y + 1,
                "width": max(1.5, x1 - x0),
                "height": max(1.0, lane_h - 2),
                "text_y": y + lane_h * 0.72,
                "label": str(e.get("label", "")),
                "start": _plain(float(e["start"]), lang, 3),
                "end": _plain(stop, lang, 3),
                "unfinished": unfinished,
                "seen": bool(e.get("via")),  # a lab server's lane, not the process's call
            }
        )
    return lanes


def _floor(floor: float, scale: _Scale, lang: str) -> dict[str, Any]:
    fx = scale.x(float(floor))
    near_right = fx > WIDTH - RIGHT - 90  # the words go left of the line, not off the edge
    return {
        "x": fx,
        "seconds": _num(float(floor), lang),
        "anchor": "end" if near_right else "start",
        "text_x": fx - 3 if near_right else fx + 3,
    }


def _flight(entries: list[dict], scale: _Scale, base: float) -> dict[str, Any]:
    """The in-flight step line along the bottom: its points, its peak, where its label goes."""
    steps = in_flight(entries, scale.end)
    peak = max(c for _, c in steps) or 1

    def y(c: int) -> float:
        return base - (FLIGHT_H - 6) * c / peak

    points, prev = [], 0
    for t, c in steps:
        points += [f"{scale.x(t):.1f},{y(prev):.1f}", f"{scale.x(t):.1f},{y(c):.1f}"]
        prev = c
    points.append(f"{scale.x(scale.end):.1f},{y(prev):.1f}")
    return {"points": " ".join(points), "peak": peak, "text_y": base - FLIGHT_H / 2 + 4}
