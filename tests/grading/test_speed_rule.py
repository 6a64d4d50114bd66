"""The rules on hand-made lanes (no clock involved), the text bars, and how a unit is named."""

import pytest

from lab.grading import rules
from lab.grading.bars import render
from lab.grading.contract import GradeFailure
from lab.grading.evidence import Lane
from lab.grading.inside.timed import in_order
from lab.grading.report import explain
from lab.grading.result import Bar, Outcome, Status


def lanes(pairs):
    return [Lane(f"unit {i}", start, end, "proxy") for i, (start, end) in enumerate(pairs)]


ONE_AFTER_ANOTHER = lanes((i * 0.2, (i + 1) * 0.2) for i in range(10))
ALL_AT_ONCE = lanes((0.01 * i, 0.2 + 0.01 * i) for i in range(10))


def bars(lanes_):
    return [Bar(lane.label, lane.start, lane.end) for lane in lanes_]


def check(elapsed, lanes_=ALL_AT_ONCE, **kw):
    return rules.require_concurrent(elapsed, units=10, unit_cost=0.2, floor=0.2, lanes=lanes_, **kw)


def failed(lanes_, failure):
    """What a learner reads for ``failure`` with those lanes drawn."""
    return explain(failure, Outcome("06", "ex06", "t", Status.FAILED, lab=bars(lanes_)))


def test_concurrent_time_passes_with_its_margin():
    # sequential 2.0 s, floor 0.2 s: the ceiling is 2 x 0.2 + 0.5 = 0.9 s (below halfway)
    measure = check(0.25)
    assert measure.margin == pytest.approx(0.9 - 0.25)
    assert measure.ceiling == pytest.approx(0.9)


def test_the_ceiling_is_never_above_halfway_to_sequential():
    assert rules.ceiling_for(floor=1.0, sequential=2.0) == pytest.approx(1.5)
    assert rules.ceiling_for(floor=0.2, sequential=2.0) == pytest.approx(0.9)


def test_in_flight_counts_what_the_lab_saw_at_once():
    assert rules.require_in_flight(ALL_AT_ONCE, 10, "units", "all 10 at once").at_once == 10
    with pytest.raises(GradeFailure) as err:
        rules.require_in_flight(ONE_AFTER_ANOTHER, 10, "units", "all 10 at once")
    assert err.value.kind == "slow"
    assert "httpbin saw at most 1 units outstanding at once; this exercise asks for all 10" in (
        str(err.value)
    )
    with pytest.raises(GradeFailure) as err:
        rules.require_in_flight(ALL_AT_ONCE, 4, "units", "a pool of 4", exact=True)
    assert "httpbin saw 10 units outstanding at once" in str(err.value)


def test_calls_that_outnumber_the_lab_are_named_in_the_failure():
    """17 calls entered at once, the server saw 4: the learner is told both."""
    calls = lanes((0.0, 0.5) for _ in range(17))
    waves = lanes(((i // 4) * 0.1, (i // 4) * 0.1 + 0.1) for i in range(17))
    with pytest.raises(GradeFailure) as err:
        rules.require_in_flight(waves, 17, "requests", "all 17 at once", calls=calls)
    assert "httpbin saw at most 4 requests" in err.value.reason
    assert "your process had 17 calls running at once, yet only 4" in err.value.reason


def test_sequential_time_fails_as_slow_with_bars_and_a_cause():
    with pytest.raises(GradeFailure) as err:
        check(2.05, ONE_AFTER_ANOTHER)
    failure = err.value
    assert failure.kind == "slow"
    text = failed(ONE_AFTER_ANOTHER, failure)
    assert "2.05 s" in text and "0.90 s" in text
    assert text.count("|#") + text.count("| ") >= 10  # one bar per unit
    assert "Likely cause: The units ran one after another" in text


def test_partly_concurrent_time_gets_another_cause():
    pairs = lanes(((i // 2) * 0.2, (i // 2 + 1) * 0.2) for i in range(10))
    with pytest.raises(GradeFailure) as err:
        check(1.2, pairs)
    assert "fewer at once" in failed(pairs, err.value)


def test_the_checks_suggestion_wins():
    with pytest.raises(GradeFailure) as err:
        check(3.0, suggestion="did you patch before importing requests?")
    assert "Likely cause: did you patch before importing requests?" in failed([], err.value)


def test_faster_than_the_latency_allows_fails_as_too_fast():
    with pytest.raises(GradeFailure) as err:
        check(0.05)
    assert err.value.kind == "too-fast"
    assert "faster than the injected latency allows" in err.value.reason


def test_sequential_override_for_uneven_units():
    # units of 0.5 and 0.1 s: sequential is their sum, not units * unit_cost
    measure = rules.require_concurrent(0.5, units=2, unit_cost=0, floor=0.5, sequential=0.6)
    assert measure.margin == pytest.approx(0.05)


def test_the_lab_decides_and_the_calls_own_time_can_only_add_a_failure():
    """The lab saw 0.3 s of work; the call itself took 2 s (it slept after its requests)."""
    with pytest.raises(GradeFailure) as err:
        rules.require_fast_enough(
            ALL_AT_ONCE, 2.0, units=10, unit_cost=0.2, floor=0.2, what="units"
        )
    assert err.value.kind == "slow"
    measures = rules.require_fast_enough(
        ALL_AT_ONCE, 0.3, units=10, unit_cost=0.2, floor=0.2, what="units"
    )
    assert measures[0].by == "httpbin" and measures[0].elapsed == pytest.approx(0.29)


def test_joined_rules_read_the_lanes_against_the_return():
    with pytest.raises(GradeFailure) as err:
        rules.require_joined(ALL_AT_ONCE, 0.1, "requests", "gevent.joinall")
    assert "returned before joining: httpbin was still working on 10 of your requests" in (
        err.value.reason
    )
    rules.require_joined(ALL_AT_ONCE, 0.3, "requests", "gevent.joinall")
    with pytest.raises(GradeFailure) as err:
        rules.require_nothing_after(ALL_AT_ONCE, 0.05, "requests")
    assert "reached httpbin after the call had returned" in err.value.reason


def test_render_draws_one_row_per_unit_on_a_shared_axis():
    text = render(bars(ONE_AFTER_ANOTHER[:3]), width=30).splitlines()
    assert text[0].strip().startswith("0.00s") and text[0].endswith("0.60s")
    rows = [line.split("|")[1] for line in text[1:4]]
    assert [b.index("#") for b in rows] == [0, 10, 20]
    assert all(len(b) == 30 for b in rows)


def test_render_marks_units_that_never_finished_and_caps_rows():
    rows = bars(ALL_AT_ONCE) + [Bar("stuck", 0.1, None)]
    text = render(rows, max_rows=5)
    assert "... and 6 more" in text
    assert "(never finished)" in render([Bar("stuck", 0.0, None), bars(ALL_AT_ONCE)[0]])


def test_max_overlap():
    assert rules.max_overlap(ONE_AFTER_ANOTHER) == 1  # touching ends do not overlap
    assert rules.max_overlap(ALL_AT_ONCE) == 10
    assert rules.max_overlap([]) == 0


def test_a_unit_is_named_by_its_first_parameter_however_it_was_passed():
    def countdown(label, n, delay):
        pass

    values = in_order(countdown)
    assert values(("A", 3, 0.1), {}) == ("A", 3, 0.1)
    assert values((), {"label": "A", "n": 3, "delay": 0.1}) == ("A", 3, 0.1)
    assert values(("A",), {"delay": 0.1, "n": 3}) == ("A", 3, 0.1)
