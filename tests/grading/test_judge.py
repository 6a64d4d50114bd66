"""The judge judged: wrong solutions of every kind fail with their own message, correct
ones in other idioms pass. One `gevent-lab check` run per fixture folder, against the test
session's lab.

Each fixture under tests/grading/fixtures/<category>/ says in its docstring what it does
wrong (or, under idioms*/, which correct idiom it uses).
"""

from __future__ import annotations

import pytest

from tests.grading.procs import running
from tests.grading.test_grading import grade

pytestmark = pytest.mark.slow

# category -> {exercise stem: a phrase its failure message must contain}
WRONG = {
    "bypass": {
        "ex06_parallel_http": "went straight to httpbin's own port, around the latency proxy",
    },
    "faked": {
        "ex07_parallel_dns": "names were never asked of the lab's DNS server",
        "ex09_pool": "requests never reached httpbin",
    },
    "clock_replaced": {
        "ex06_parallel_http": "one after another would take",
    },
    "reads_answers": {
        "ex07_parallel_dns": "names were never asked of the lab's DNS server",
    },
    "missing_join": {
        "ex04_gevent_countdown": "returned before joining: 5 countdown call(s) still running",
        "ex08_queue": "returned before joining",
    },
    "partial": {
        # too slow for the time rule, or fast enough but seen with too few in flight: either
        # way the message says how many ran at once
        "ex06_parallel_http": "at most 4 ",
        "ex08_queue": "at most 3 ",
        "ex11_stream_server": "at most 4 ",
    },
    "threads": {
        "ex06_parallel_http": "OS threads while the exercise ran",
        "ex09_pool": "OS threads while the exercise ran",
    },
    "toxics_removed": {
        "ex06_parallel_http": "the lab was changed while your code ran",
    },
    "untested_clauses": {
        "ex01_greenlet_switch": "was printed by worker_a, not by worker_b",
        "ex03_greenlet_generator": "is itself a Fibonacci number",
        "ex08_queue": "the producer pauses between items",
        "ex09_pool": "must raise requests.HTTPError",
    },
}
RIGHT = ("idioms", "idioms_wait")


def test_processes_an_exercise_leaves_behind_are_stopped_and_fail_it(lab_cfg, tmp_path):
    """One in a new session, one double-forked with no environment: both found, both gone."""
    graded = grade(lab_cfg, "tests/grading/fixtures/escapes", tmp_path)
    ex = graded.exercise("ex06_parallel_http")
    assert ex["status"] == "failed" and "left 2 process(es) running" in ex["reason"], ex
    assert not running("gevent-lab escapes fixture")


@pytest.mark.parametrize("category", sorted(WRONG))
def test_wrong_solutions_fail_with_their_own_message(lab_cfg, tmp_path, category):
    graded = grade(lab_cfg, f"tests/grading/fixtures/{category}", tmp_path)
    assert sorted(graded.stems) == sorted(WRONG[category]), "a fixture without an expectation"
    for stem, phrase in WRONG[category].items():
        ex = graded.exercise(stem)
        assert ex["status"] == "failed", f"{category}/{stem} passed: {ex}"
        assert phrase in ex["reason"], f"{category}/{stem}: {ex['reason']}"
    assert graded.returncode == 1


@pytest.mark.parametrize("category", RIGHT)
def test_correct_solutions_in_other_idioms_pass(lab_cfg, tmp_path, category):
    graded = grade(lab_cfg, f"tests/grading/fixtures/{category}", tmp_path)
    assert graded.stems
    for stem in graded.stems:
        ex = graded.exercise(stem)
        assert ex["status"] == "passed", f"{category}/{stem}: {ex['reason']}"
    assert graded.returncode == 0, graded.output
