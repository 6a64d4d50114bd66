"""The speed rule every gevent exercise is graded by.

Under an injected latency, ``units`` pieces of work that each cost ``unit_cost`` seconds take
``sequential = units * unit_cost`` one after another, and at least ``floor`` seconds however
concurrent the code is (the longest unit, or ``ceil(units / k) * unit_cost`` with k at a
time). A check picks numbers such that ``sequential`` is well above the ceiling; then:

- **too fast**: ``elapsed < floor * TOO_FAST_FRACTION``. The latency proxy never delivers
  early, so finishing sooner means some unit skipped its I/O. The 5 % slack only absorbs
  clock granularity.
- **slow**: ``elapsed > ceiling`` where ``ceiling = floor * 2 + 0.5 s`` (or halfway to
  ``sequential``, if that is lower). A concurrent solution takes about ``floor`` plus a few
  ms per unit; on a 2-core machine loaded far past its cores (load average 3.7, one core
  held by a busy loop) a correct Pool(6) was seen at 2.1 x its floor, so the ceiling leaves
  room for that and no more: a sequential run (4-10 x the floor here) never gets under it
  (``make flake`` prints the share of the ceiling each run used).
- **in flight**: the verdict on concurrency itself rests on how many units the grader saw
  running at once (``require_in_flight``), which load on the machine barely moves: all of
  them where the exercise asks for everything at once, exactly ``k`` for a pool of ``k``.

Times and timelines are the grader's own (lab.grading.channel): the learner's process
cannot make itself look faster by changing its clocks.

``require_concurrent`` returns the margin (``ceiling - elapsed``, seconds) and also appends
``{"elapsed", "floor", "ceiling", "sequential", "margin"}`` to ``CHECKS`` so that the harness
can report margins (``make flake`` prints the slowest) without specs passing them around.
"""

from __future__ import annotations

from lab.grading.contract import GradeFailure
from lab.grading.timeline import max_overlap, render
from lab.i18n import t
from lab.i18n import unit as unit_word

TOO_FAST_FRACTION = 0.95
CHECKS: list[dict] = []
IN_FLIGHT: list[dict] = []  # what require_in_flight saw, for the evidence line on a pass

# Shown for a "slow" failure whose spec gave no suggestion: when the timeline says the
# units never overlapped, and when they did but not enough (message ids of lab.i18n).
SEQUENTIAL_HINT = "speed.sequential_hint"
PARTLY_CONCURRENT_HINT = "speed.partly_hint"


CEILING_FACTOR = 2.0
CEILING_SLACK_S = 0.5


def ceiling_for(floor: float, sequential: float) -> float:
    """The slowest accepted time (see the module docstring)."""
    return min(floor * CEILING_FACTOR + CEILING_SLACK_S, floor + (sequential - floor) / 2)


def require_in_flight(
    timeline: list, want: int, unit: str, asked: str, exact: bool = False, suggestion: str = ""
) -> None:
    """Fail unless the grader saw ``want`` units running at once (never more if ``exact``).

    ``asked`` says what the exercise asks for, e.g. "all 16 at once" or "a pool of 4".
    """
    seen = max_overlap(timeline)
    IN_FLIGHT.append({"unit": unit, "units": len(timeline), "at_once": seen})
    if seen < want:
        raise GradeFailure(
            t("speed.in_flight_few", seen=seen, unit=unit_word(unit), asked=asked),
            kind="slow",
            timeline=timeline,
            suggestion=suggestion or t(PARTLY_CONCURRENT_HINT),
        )
    if exact and seen > want:
        raise GradeFailure(
            t("speed.in_flight_many", seen=seen, unit=unit_word(unit), asked=asked),
            kind="wrong",
            timeline=timeline,
        )


def require_concurrent(
    elapsed: float,
    *,
    units: int,
    unit_cost: float,
    floor: float,
    timeline: list | None = None,
    suggestion: str = "",
    sequential: float | None = None,
    unit: str = "units",
) -> float:
    """Fail unless ``elapsed`` shows real concurrency; returns the margin in seconds.

    ``sequential`` overrides ``units * unit_cost`` when units cost different amounts;
    ``unit`` names one unit in the message ("requests"; the timeline's units otherwise).
    Raises ``GradeFailure`` with kind "too-fast" or "slow"; the timeline is attached and,
    for "slow", a likely cause (``suggestion``; ``explain`` picks a generic one without).
    """
    timeline = timeline or []
    sequential = units * unit_cost if sequential is None else sequential
    ceiling = ceiling_for(floor, sequential)
    margin = ceiling - elapsed
    CHECKS.append(
        {
            "elapsed": round(elapsed, 4),
            "floor": round(floor, 4),
            "ceiling": round(ceiling, 4),
            "sequential": round(sequential, 4),
            "margin": round(margin, 4),
        }
    )
    if elapsed < floor * TOO_FAST_FRACTION:
        raise GradeFailure(
            t("speed.too_fast", elapsed=elapsed, floor=floor),
            kind="too-fast",
            timeline=timeline,
            suggestion=t("speed.too_fast_hint"),
        )
    if elapsed > ceiling:
        raise GradeFailure(
            t(
                "speed.slow",
                elapsed=elapsed,
                units=units,
                unit=unit_word(unit),
                sequential=sequential,
                floor=floor,
                ceiling=ceiling,
                seen=max_overlap(timeline) if timeline else "?",
            ),
            kind="slow",
            timeline=timeline,
            suggestion=suggestion,
        )
    return margin


def evidence(elapsed: float | None) -> str:
    """One line of what the grader measured, e.g. "18 requests, 18 at once, 0.82 s (floor
    0.80 s)"; empty when the exercise measured nothing."""
    parts = [
        t("speed.evidence_units", n=f["units"], unit=unit_word(f["unit"]), at_once=f["at_once"])
        for f in IN_FLIGHT[:1]
    ]
    if CHECKS:
        parts.append(
            t("speed.evidence_time", elapsed=CHECKS[0]["elapsed"], floor=CHECKS[0]["floor"])
        )
    elif elapsed is not None and parts:
        parts.append(t("speed.evidence_elapsed", elapsed=elapsed))
    return ", ".join(parts)


def explain(failure: GradeFailure) -> str:
    """The failure's reason, its timeline as text bars, and the suggestion, for display."""
    parts = [failure.reason]
    if failure.timeline:
        parts.append(render(failure.timeline))
    suggestion = failure.suggestion
    if not suggestion and failure.kind == "slow":
        ran_alone = failure.timeline and max_overlap(failure.timeline) <= 1
        suggestion = t(
            SEQUENTIAL_HINT if ran_alone or not failure.timeline else PARTLY_CONCURRENT_HINT
        )
    if suggestion:
        parts.append(t("speed.likely", text=suggestion))
    return "\n".join(parts)
