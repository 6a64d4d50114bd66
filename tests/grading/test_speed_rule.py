"""The speed rule and the timeline bars, on hand-made numbers (no clock involved)."""

import pytest

from lab.grading import speed
from lab.grading.contract import GradeFailure
from lab.grading.timeline import Timeline, max_overlap, render

ONE_AFTER_ANOTHER = [
    {"label": f"unit {i}", "start": i * 0.2, "end": (i + 1) * 0.2} for i in range(10)
]
ALL_AT_ONCE = [{"label": f"unit {i}", "start": 0.01 * i, "end": 0.2 + 0.01 * i} for i in range(10)]


def check(elapsed, timeline=ALL_AT_ONCE, **kw):
    return speed.require_concurrent(
        elapsed, units=10, unit_cost=0.2, floor=0.2, timeline=timeline, **kw
    )


def test_concurrent_time_passes_with_its_margin():
    # sequential 2.0 s, floor 0.2 s: the ceiling is 2 x 0.2 + 0.5 = 0.9 s (below halfway)
    assert check(0.25) == pytest.approx(0.9 - 0.25)
    assert speed.CHECKS[-1]["ceiling"] == pytest.approx(0.9)


def test_the_ceiling_is_never_above_halfway_to_sequential():
    assert speed.ceiling_for(floor=1.0, sequential=2.0) == pytest.approx(1.5)
    assert speed.ceiling_for(floor=0.2, sequential=2.0) == pytest.approx(0.9)


def test_in_flight_counts_what_ran_at_once():
    speed.require_in_flight(ALL_AT_ONCE, 10, "units", "all 10 at once")
    with pytest.raises(GradeFailure) as err:
        speed.require_in_flight(ONE_AFTER_ANOTHER, 10, "units", "all 10 at once")
    assert err.value.kind == "slow"
    assert "at most 1 units in flight at once; this exercise asks for all 10 at once" in str(
        err.value
    )
    with pytest.raises(GradeFailure) as err:
        speed.require_in_flight(ALL_AT_ONCE, 4, "units", "a pool of 4", exact=True)
    assert "10 units ran at once" in str(err.value)


def test_sequential_time_fails_as_slow_with_bars_and_a_cause():
    with pytest.raises(GradeFailure) as err:
        check(2.05, timeline=ONE_AFTER_ANOTHER)
    failure = err.value
    assert failure.kind == "slow"
    text = speed.explain(failure)
    assert "2.05 s" in text and "0.90 s" in text
    assert text.count("|#") + text.count("| ") >= 10  # one bar per unit
    assert "Likely cause: The units ran one after another" in text


def test_partly_concurrent_time_gets_another_cause():
    pairs = [
        {"label": f"u{i}", "start": (i // 2) * 0.2, "end": (i // 2 + 1) * 0.2} for i in range(10)
    ]
    with pytest.raises(GradeFailure) as err:
        check(1.2, timeline=pairs)
    assert "fewer at once" in speed.explain(err.value)


def test_the_specs_suggestion_wins():
    with pytest.raises(GradeFailure) as err:
        check(3.0, suggestion="did you patch before importing requests?")
    assert "Likely cause: did you patch before importing requests?" in speed.explain(err.value)


def test_faster_than_the_latency_allows_fails_as_too_fast():
    with pytest.raises(GradeFailure) as err:
        check(0.05)
    assert err.value.kind == "too-fast"
    assert "faster than the injected latency allows" in err.value.reason


def test_sequential_override_for_uneven_units():
    # units of 0.5 and 0.1 s: sequential is their sum, not units * unit_cost
    assert speed.require_concurrent(
        0.5, units=2, unit_cost=0, floor=0.5, sequential=0.6, timeline=[]
    ) == pytest.approx(0.05)


def test_render_draws_one_row_per_unit_on_a_shared_axis():
    text = render(ONE_AFTER_ANOTHER[:3], width=30).splitlines()
    assert text[0].strip().startswith("0.00s") and text[0].endswith("0.60s")
    bars = [line.split("|")[1] for line in text[1:]]
    assert [b.index("#") for b in bars] == [0, 10, 20]
    assert all(len(b) == 30 for b in bars)


def test_render_marks_units_that_never_finished_and_caps_rows():
    rows = ALL_AT_ONCE + [{"label": "stuck", "start": 0.1, "end": None}]
    text = render(rows, max_rows=5)
    assert "... and 6 more" in text
    assert "(never finished)" in render(
        [{"label": "stuck", "start": 0.0, "end": None}, ALL_AT_ONCE[0]]
    )


def test_max_overlap():
    assert max_overlap(ONE_AFTER_ANOTHER) == 1  # touching ends do not overlap
    assert max_overlap(ALL_AT_ONCE) == 10
    assert max_overlap([]) == 0


def test_timeline_wrap_records_calls_and_exceptions():
    timeline = Timeline()
    double = timeline.wrap(lambda x: 2 * x)
    fail = timeline.wrap(lambda x: 1 / 0, label=lambda x: f"failing {x}")
    assert double(21) == 42
    with pytest.raises(ZeroDivisionError):
        fail(7)
    entries = timeline.entries()
    assert [e["label"] for e in entries] == ["21", "failing 7"]
    assert all(e["end"] is not None and e["end"] >= e["start"] for e in entries)
