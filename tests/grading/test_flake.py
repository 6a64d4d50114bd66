"""`make flake`'s parts: the busy loop always stops, and the tally reads grade.json right."""

import pytest

from lab.grading.flake import Tally, busy_core


def test_busy_loop_stops_even_when_the_block_fails():
    with pytest.raises(RuntimeError), busy_core() as proc:
        assert proc.poll() is None  # spinning
        raise RuntimeError("a grading went wrong")
    assert proc.poll() is not None


def report(status: str, margin: float | None, seed: int = 1) -> dict:
    measures = (
        []
        if margin is None
        else [
            {
                "rule": "speed",
                "unit": "countdowns",
                "by": "grader",
                "elapsed": 2.0 - margin,
                "ceiling": 2.0,
                "margin": margin,
            }
        ]  # fmt: skip
    )
    return {
        "seed": seed,
        "points": int(status == "passed"),
        "max_points": 1,
        "exercises": [
            {
                "number": "04",
                "stem": "ex04_gevent_countdown",
                "title": "countdowns",
                "status": status,
                "reason": "took too long\nbars",
                "measures": measures,
            }
        ],
    }


def test_tally_counts_passes_and_keeps_the_slowest_margin():
    tally = Tally()
    assert tally.add(report("passed", 1.5), "run 1")
    assert not tally.add(report("failed", -0.2, seed=7), "run 2")
    assert not tally.add(None, "run 3")
    assert (tally.runs, tally.passed_runs) == (3, 1)
    assert tally.margin["04 countdowns"] == -0.2
    assert tally.worst["04 countdowns"] == pytest.approx(1.1)
    assert tally.failures == [
        "run 2 (seed 7): 04 countdowns: took too long",
        "run 3: grading did not finish",
    ]
    assert "1/2" in tally.table() and "-0.20 s" in tally.table()
    assert tally.blocked["04 countdowns"] == 0


def test_tally_counts_the_gradings_the_blocked_loop_detector_fired_in():
    tally = Tally()
    tally.add(report("passed", 1.5), "run 1")
    blocked = report("passed", 1.2)
    blocked["exercises"][0]["blocked"] = [{"seconds": 0.2, "file": "x.py"}]
    tally.add(blocked, "run 2")
    assert tally.blocked["04 countdowns"] == 1
    assert "1/2" in tally.table().splitlines()[1].split()[-1]
