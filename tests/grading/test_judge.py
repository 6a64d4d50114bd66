"""The judge judged: wrong solutions of every kind fail with their own message, correct
ones in other idioms pass. One `gevent-lab check` run per fixture folder, against the test
session's lab.

Each fixture under tests/grading/fixtures/<category>/ says in its docstring what it does
wrong (or, under idioms*/, which correct idiom it uses).
"""

from __future__ import annotations

import os

import pytest

from tests.grading.procs import running
from tests.grading.test_grading import grade

pytestmark = pytest.mark.slow

# category -> {exercise stem: a phrase its failure message must contain}. The phrases name
# what the lab saw (httpbin, the DNS server, the proxies), not what the learner's process said.
WRONG = {
    "limiter": {  # a limit inside the timed function: every call entered, waves at the server
        "ex05_monkey_patch_downloads": "httpbin saw at most 4 downloads outstanding at once",
        "ex06_parallel_http": "httpbin saw at most",
    },
    "decoys": {  # twelve calls waiting while two workers do the look-ups
        "ex07_parallel_dns": "the DNS server saw at most 2",
    },
    "forged": {  # its own begin/unit/end events on the grader's channel
        "ex07_parallel_dns": "the grader's channel received events it did not send",
    },
    "outside": {  # 30 requests at once through a helper, then a proper Pool(k)
        "ex09_pool": "httpbin saw 30 requests outstanding at once",
    },
    "abandoned": {  # killed outer greenlets, inner ones still fetching
        "ex10_deadlines": "returned before joining: when the call returned",
    },
    "forks": {  # a child process per connection
        "ex11_stream_server": "tried to start another process",
    },
    "behind_proxy": {  # the port behind the proxy, found through the Toxiproxy API
        "ex06_parallel_http": "went to httpbin's port behind the latency proxy",
    },
    "too_fast": {  # sleeps half of every delay
        "ex04_gevent_countdown": "faster than the injected latency allows",
    },
    "flood": {  # more look-ups than the DNS server's record keeps
        "ex07_parallel_dns": "the lab's records lost entries while your code ran",
    },
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
RIGHT = ("idioms", "idioms_wait", "idioms_bound")


def test_an_exercise_that_starts_processes_is_stopped_there(lab_cfg, tmp_path):
    """The kernel refuses the learner's fork (lab.grading.inside.noprocs): nothing starts."""
    graded = grade(lab_cfg, "tests/grading/fixtures/escapes", tmp_path)
    ex = graded.exercise("ex06_parallel_http")
    assert ex["status"] == "failed" and "tried to start another process" in ex["reason"], ex
    assert not running("gevent-lab escapes fixture")


def test_without_the_kernels_refusal_processes_left_behind_are_stopped(lab_cfg, tmp_path):
    """Where seccomp is not available (LAB_NOPROCS=off stands for it): one in a new session,
    one double-forked with no environment: both found, both gone, and the exercise fails."""
    os.environ["LAB_NOPROCS"] = "off"
    try:
        graded = grade(lab_cfg, "tests/grading/fixtures/escapes", tmp_path)
    finally:
        del os.environ["LAB_NOPROCS"]
    ex = graded.exercise("ex06_parallel_http")
    assert ex["status"] == "failed" and "process(es)" in ex["reason"], ex
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
