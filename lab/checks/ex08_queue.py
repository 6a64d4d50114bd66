"""Grading spec of exercise 08: producer/consumers on a Queue(maxsize=2), no empty() race.

Three scenarios, with random item names, item counts and consumer counts:

- **fast consumers** (the source's failure): the producer waits 30 ms per item, consumers
  5-10 ms. A consumer that ends on ``queue.empty()`` quits early and gevent raises
  ``LoopExit``; the check is that every item is consumed exactly once and everything ends.
- **slow consumers** (backpressure): the producer waits 1 ms, each of 6 or 8 consumers takes
  50 ms per item. The queue fills up and ``put`` must block: the grader hands the learner a
  queue that measures how long each ``put`` waited, and requires that the producer waited
  and that it reported those waits. Speed: N = 25-32 items one after another cost
  N x 50 ms = 1.25-1.6 s; c consumers need at least ceil(N / c) x 50 ms = 0.15-0.3 s (the
  floor). All c consumers must be seen working at once (fewer, e.g. 3 of 8, fails), and
  the time must stay under the shared rule's ceiling (2 x floor + 0.5 s).
- **a pausing producer**: 3 items, 0.4 s apart, 2 consumers. A consumer that stops when
  ``get(timeout=...)`` finds nothing for a moment quits while items are still to come.

Joined: every consumer must have taken its end marker when ``run_pipeline`` returns. The
grader's queue hands an end marker over only after a short wind-down (``WIND_DOWN_S``, as a
consumer that closes something would take), so code that joins only the producer returns
before its consumers ended, every time, instead of now and then (it did pass when the
consumers happened to run before the main greenlet resumed).

No lab server sees a queue: the verdict rests on the learner's process (the ``process``
calls it reported, the queue the grader handed it) and on the grader's clock for each call.
"""

from lab.checks._common import token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.i18n import t

MAXSIZE = 2
WIND_DOWN_S = 0.02  # an end marker reaches its consumer this long after its get() began
PAUSE_S = 0.4  # the third scenario's producer waits this long between items


def setup(ctx):
    def items(n):
        return [f"{token(ctx.rng, 5)}_{i}" for i in range(n)]

    return {
        "scenarios": [
            {
                "name": t("ex08.scenario.fast"),
                "items": items(ctx.rng.randint(8, 12)),
                "n_consumers": ctx.rng.randint(2, 4),
                "producer_delay": 0.03,
                "consumer_delay": ctx.rng.choice([0.005, 0.01]),
            },
            {
                "name": t("ex08.scenario.slow"),
                "items": items(ctx.rng.randint(25, 32)),
                "n_consumers": ctx.rng.choice([6, 8]),
                "producer_delay": 0.001,
                "consumer_delay": 0.05,
            },
            {
                # Longer than any sensible get(timeout=...): a consumer that takes a quiet
                # queue for the end of the work quits while the producer still has items.
                "name": t("ex08.scenario.pausing"),
                "items": items(3),
                "n_consumers": 2,
                "producer_delay": PAUSE_S,
                "consumer_delay": 0.005,
            },
        ]
    }


def lesson_s(case) -> float:
    """Every scenario, each at its own pace: the producer's items one after another, or the
    consumers' share of the work, whichever is slower."""
    return sum(
        max(len(s["items"]) * s["producer_delay"],
            -(-len(s["items"]) // s["n_consumers"]) * s["consumer_delay"])
        for s in case["scenarios"]
    )  # fmt: skip


def watched_queue_class():
    """A gevent Queue that records every put (how long it waited, whether the queue was
    full) and every get. Made inside ``run``: gevent is imported only after the learner."""
    import time

    import gevent
    from gevent.queue import JoinableQueue

    class WatchedQueue(JoinableQueue):
        def __init__(self, maxsize):
            super().__init__(maxsize)
            self.puts, self.gets = [], []
            self.winding = 0  # consumers between taking their end marker and getting it
            self.waiting = 0  # consumers inside get(), before it took anything

        def consumers_not_done(self) -> int:
            """Consumers that have not yet taken their end marker though it is theirs: in
            their wind-down, or waiting in get() with a marker in the queue for them."""
            queued = sum(not isinstance(x, str) for x in self.queue)
            return self.winding + min(queued, self.waiting)

        def put(self, item, block=True, timeout=None):
            was_full = self.full()
            start = time.perf_counter()
            super().put(item, block, timeout)
            self.puts.append(
                {
                    "item": item if isinstance(item, str) else None,
                    "waited": time.perf_counter() - start,
                    "was_full": was_full,
                }
            )

        def get(self, block=True, timeout=None):
            self.waiting += 1
            try:
                item = super().get(block, timeout)
            finally:
                self.waiting -= 1
            if not isinstance(item, str):  # an end marker: the consumer winds down
                self.winding += 1
                try:
                    gevent.sleep(WIND_DOWN_S)
                finally:
                    self.winding -= 1
            self.gets.append(item if isinstance(item, str) else None)
            return item

    return WatchedQueue


def run(module, case):

    from gevent.exceptions import LoopExit

    from lab.grading.inside.timed import Timeline, timed

    queue_class = watched_queue_class()
    observed = []
    for scenario in case["scenarios"]:
        timeline = Timeline(span=scenario["name"])
        module.process = timeline.wrap(module.process, lambda name, item, *rest: str(item))
        queue = queue_class(MAXSIZE)
        try:
            result = timed(
                module.run_pipeline,
                queue,
                list(scenario["items"]),
                scenario["n_consumers"],
                scenario["producer_delay"],
                scenario["consumer_delay"],
                span=scenario["name"],
            )
        except LoopExit:
            n = scenario["n_consumers"]
            markers = sum(p["item"] is None for p in queue.puts)
            items = sum(g is not None for g in queue.gets)  # end markers are not items
            if markers < n and items == len(scenario["items"]):
                raise GradeFailure(
                    t("ex08.markers", name=scenario["name"], n=n, markers=markers)
                ) from None
            raise GradeFailure(
                t("ex08.loop_exit", name=scenario["name"], got=items, total=len(scenario["items"]))
            ) from None
        if not isinstance(result, dict) or not {"consumed", "put_waits"} <= set(result):
            raise GradeFailure(t("ex08.not_dict", value=f"{result!r:.200}"))
        observed.append(
            {
                "name": scenario["name"],
                "consumed": [[str(n), str(i)] for n, i in result["consumed"]],
                "put_waits": [float(w) for w in result["put_waits"] or []],
                "puts": queue.puts,
                "gets": queue.gets,
                "consumers_not_done": queue.consumers_not_done(),  # when it returned
            }
        )
        module.process = module.process.__wrapped__
    return {"scenarios": observed}


def verify(ctx, case, observed, seen):
    measures = []
    for scenario, got in zip(case["scenarios"], observed["scenarios"]):
        span = seen.span(scenario["name"])  # the grader's clock, and the units reported
        rules.require_calls_joined(span, "process", t("ex08.join_how"))
        check_consumers_ended(scenario, got)
        check_exactly_once(scenario, got)
        check_through_queue(scenario, got)
    slow_case, slow_got = case["scenarios"][1], observed["scenarios"][1]
    check_backpressure(slow_case, slow_got)
    measures += check_consumers_share(slow_case, slow_got, seen.span(slow_case["name"]))
    return measures


def check_consumers_ended(scenario: dict, got: dict) -> None:
    """Each consumer took its end marker before ``run_pipeline`` returned (it was joined)."""
    left = int(got.get("consumers_not_done", 0))
    if left:
        raise GradeFailure(
            t("ex08.not_joined", name=scenario["name"], left=left, how=t("ex08.join_how"))
        )


def check_exactly_once(scenario: dict, got: dict) -> None:
    from collections import Counter

    name, items = scenario["name"], scenario["items"]
    counts = Counter(item for _, item in got["consumed"])
    missing = [i for i in items if counts[i] == 0]
    twice = [i for i, n in counts.items() if n > 1]
    strangers = [i for i in counts if i not in set(items)]
    if missing:
        raise GradeFailure(
            t("ex08.missing", name=name, n=len(missing), total=len(items), first=missing[0])
        )
    if twice:
        raise GradeFailure(t("ex08.twice", name=name, item=twice[0], n=counts[twice[0]]))
    if strangers:
        raise GradeFailure(t("ex08.stranger", name=name, item=repr(strangers[0])))


def check_through_queue(scenario: dict, got: dict) -> None:
    put_items = [p["item"] for p in got["puts"] if p["item"] is not None]
    got_items = [g for g in got["gets"] if g is not None]
    if sorted(put_items) != sorted(scenario["items"]) or sorted(got_items) != sorted(
        scenario["items"]
    ):
        raise GradeFailure(
            t(
                "ex08.through_queue",
                name=scenario["name"],
                put=len(put_items),
                got=len(got_items),
                total=len(scenario["items"]),
            )
        )


def check_backpressure(scenario: dict, got: dict) -> None:
    """Slow consumers: the full queue must have made the producer wait, and it said so."""
    item_puts = [p for p in got["puts"] if p["item"] is not None]
    blocked = [p for p in item_puts if p["was_full"]]
    measured = sum(p["waited"] for p in item_puts)
    if not blocked or measured < scenario["consumer_delay"]:
        raise GradeFailure(t("ex08.never_waited", name=scenario["name"], maxsize=MAXSIZE))
    reported = got["put_waits"]
    if len(reported) != len(scenario["items"]):
        raise GradeFailure(
            t(
                "ex08.wait_count",
                name=scenario["name"],
                want=len(scenario["items"]),
                got=len(reported),
            )
        )
    if sum(reported) < measured / 2:
        raise GradeFailure(
            t(
                "ex08.wait_sum",
                name=scenario["name"],
                measured=measured,
                reported=sum(reported),
            )
        )


def check_consumers_share(scenario: dict, got: dict, span) -> list:
    n, c, d = len(scenario["items"]), scenario["n_consumers"], scenario["consumer_delay"]
    names = {name for name, _ in got["consumed"]}
    if len(names) < 2:
        raise GradeFailure(
            t("ex08.one_consumer", name=scenario["name"], n=len(names), c=c), kind="slow"
        )
    speed = rules.require_concurrent(
        span.elapsed,
        units=n,
        unit_cost=d,
        floor=-(-n // c) * d,
        lanes=span.units,
        suggestion=t("ex08.suggest_slow", c=c),
        what="items being processed",
        by="grader",
    )
    in_flight = rules.require_in_flight(
        span.units,
        c,
        "items being processed",
        t("ex08.asked", c=c),
        suggestion=t("ex08.suggest_spawn", c=c),
    )
    return [in_flight, speed]
