"""A grading timeline as inline SVG: one lane per unit, the time axis, the speed floor,
and the number of units in flight over time.

The same drawing serves the live dashboard (sent to the page as markup) and the static
report. Words in it carry ``data-i18n`` keys so the page can switch language in place.
"""

from __future__ import annotations

import math
from html import escape

from lab.i18n import number
from lab.ui.strings import text

WIDTH = 680
LABEL_W = 150
RIGHT = 24
AXIS_H = 22
FLIGHT_H = 56
GAP = 10


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


def _num(value: float, lang: str, digits: int = 2, trim: bool = False) -> str:
    """``_plain`` in a ``<tspan data-num>``: the page writes it again with
    ``Intl.NumberFormat`` when its language button is pressed."""
    least = 0 if trim else digits
    return (
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


def timeline_svg(entries: list[dict], floor: float | None = None, lang: str = "en") -> str:
    """The SVG markup (a string) for ``entries`` ({label, start, end} in seconds)."""
    entries = sorted(
        (e for e in entries if isinstance(e, dict) and e.get("start") is not None),
        key=lambda e: float(e["start"]),
    )
    n = len(entries)
    if not n:
        return ""
    ends = [float(e["end"]) if e.get("end") is not None else float(e["start"]) for e in entries]
    end = max([*ends, float(floor) * 1.05 if floor else 0.0, 1e-3])
    lane_h = 16.0 if n <= 24 else max(3.0, 384.0 / n)
    show_labels = lane_h >= 10
    lanes_top = AXIS_H
    lanes_h = n * lane_h
    flight_top = lanes_top + lanes_h + GAP
    height = flight_top + FLIGHT_H + AXIS_H
    plot_w = WIDTH - LABEL_W - RIGHT

    def x(t: float) -> float:
        return LABEL_W + plot_w * max(0.0, t) / end

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-lanes="{n}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'role="img" font-family="system-ui, sans-serif" font-size="11">'
    ]
    # time axis: ticks and grid lines across lanes and the in-flight chart
    step = _nice_step(end)
    t = 0.0
    while t <= end + 1e-9:
        xx = x(t)
        out.append(
            f'<line x1="{xx:.1f}" y1="{lanes_top - 4}" x2="{xx:.1f}" '
            f'y2="{flight_top + FLIGHT_H:.1f}" stroke="#ddd" stroke-width="1"/>'
        )
        out.append(
            f'<text class="tick" x="{xx:.1f}" y="{lanes_top - 8}" text-anchor="middle" '
            f'fill="#555">{_num(t, lang, trim=True)} s</text>'
        )
        t = round(t + step, 10)
    # lanes
    for i, (e, stop) in enumerate(zip(entries, ends)):
        y = lanes_top + i * lane_h
        unfinished = e.get("end") is None
        x0, x1 = x(float(e["start"])), x(end if unfinished else stop)
        label = escape(str(e.get("label", "")))
        colour = "#d9822b" if unfinished else "#3a7bd5"
        out.append(
            f'<rect class="lane" x="{x0:.1f}" y="{y + 1:.1f}" width="{max(1.5, x1 - x0):.1f}" '
            f'height="{max(1.0, lane_h - 2):.1f}" rx="2" fill="{colour}">'
            f"<title>{label}: {_plain(float(e['start']), lang, 3)} s - "
            f"{'…' if unfinished else f'{_plain(stop, lang, 3)} s'}</title></rect>"
        )
        if show_labels:
            out.append(
                f'<text x="{LABEL_W - 6}" y="{y + lane_h * 0.72:.1f}" text-anchor="end" '
                f'fill="#222">{escape(str(e.get("label", ""))[:24])}</text>'
            )
    # floor
    if floor:
        fx = x(float(floor))
        out.append(
            f'<line class="floor" x1="{fx:.1f}" y1="{lanes_top - 4}" x2="{fx:.1f}" '
            f'y2="{flight_top + FLIGHT_H:.1f}" stroke="#c0392b" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/>'
        )
        anchor = ("end", fx - 3) if fx > WIDTH - RIGHT - 90 else ("start", fx + 3)
        out.append(
            f'<text x="{anchor[1]:.1f}" y="{flight_top + FLIGHT_H + 14:.1f}" '
            f'text-anchor="{anchor[0]}" fill="#c0392b">'
            f'<tspan data-i18n="floor">{text("floor", lang)}</tspan> {_num(float(floor), lang)} s</text>'
        )
    # in flight over time
    steps = in_flight(entries, end)
    peak = max(c for _, c in steps) or 1
    base = flight_top + FLIGHT_H

    def yc(c: int) -> float:
        return base - (FLIGHT_H - 6) * c / peak

    points = []
    prev = 0
    for t_, c in steps:
        points.append(f"{x(t_):.1f},{yc(prev):.1f}")
        points.append(f"{x(t_):.1f},{yc(c):.1f}")
        prev = c
    points.append(f"{x(end):.1f},{yc(prev):.1f}")
    out.append(
        f'<polyline class="in-flight" points="{" ".join(points)}" fill="none" '
        f'stroke="#27ae60" stroke-width="1.5"/>'
    )
    out.append(
        f'<text x="{LABEL_W - 6}" y="{base - FLIGHT_H / 2 + 4:.1f}" text-anchor="end" '
        f'fill="#27ae60"><tspan data-i18n="in_flight">{text("in_flight", lang)}</tspan> '
        f"(max {peak})</text>"
    )
    out.append(
        f'<line x1="{LABEL_W}" y1="{base:.1f}" x2="{WIDTH - RIGHT}" y2="{base:.1f}" stroke="#999"/>'
    )
    out.append("</svg>")
    return "".join(out)


def floor_of(details: dict) -> float | None:
    """``details.speed[0].floor`` when the exercise recorded one."""
    try:
        value = details["speed"][0]["floor"]
        return float(value) if value is not None else None
    except (KeyError, IndexError, TypeError, ValueError):
        return None
