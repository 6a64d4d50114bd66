"""The contract between the grading harness and one exercise's grading spec.

Each exercise ``NN`` has three files with the same stem:

- ``exercises/exNN_<slug>.py``: what the learner edits (TODOs raise NotImplementedError);
- ``solutions/exNN_<slug>.py``: the reference solution, same public functions;
- ``tests/grader/specs/exNN_<slug>.py``: how it is graded, a module with the names below.

A spec module defines:

``TITLE: str``
    One line, shown in the grader's output.
``HINTS: list[tuple[str, str]]``
    Hints, in order, each (English, Vietnamese). ``make hint EX=NN`` shows one more each time.
``TIME_LIMIT: float``
    Seconds the learner's code may run in its subprocess before it is killed and failed.
``NEEDS_LAB: bool`` (optional, default True)
    False for exercises that touch no service (greenlet, ``gevent.sleep``): they are graded
    without starting or even looking for a lab, and ``ctx``'s lab methods are not used.
``setup(ctx: GradeContext) -> dict``
    Runs in the grader's process. Injects the latency this exercise is graded under (through
    ``ctx``, never by hand), draws randomised inputs from ``ctx.rng`` and returns the *case*:
    JSON-serialisable data handed to ``run``. The harness restores the lab's toxics and DNS
    delay afterwards, whatever happens.
``run(module, case: dict) -> dict``
    Runs in a *fresh* Python process, right after the learner's module was imported (so its
    monkey patching came first). Calls the module's functions with the case and returns
    JSON-serialisable observations: results, ``elapsed`` seconds, and a ``timeline`` (list of
    ``{"label": str, "start": float, "end": float}`` seconds from the start), usually
    recorded by wrapping the module's per-unit function. It must not import requests, ssl or
    gevent at module level of the spec (import inside ``run``), so that nothing is imported
    before the learner's module. Exceptions raised here become readable failures.
``verify(ctx: GradeContext, case: dict, observed: dict) -> None``
    Runs in the grader's process. Checks answers against what the services really served and
    the speed against the injected latency; raises ``GradeFailure`` with a readable reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class GradeFailure(AssertionError):
    """A failed check, with what the learner should read.

    kind: "not-done" (NotImplementedError), "wrong" (answer), "slow" (no real speedup),
    "too-fast" (faster than the injected latency allows: the work was skipped), "timeout",
    "crash".
    """

    def __init__(
        self, reason: str, kind: str = "wrong", timeline: list | None = None, suggestion: str = ""
    ):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.timeline = timeline or []
        self.suggestion = suggestion


@dataclass
class Outcome:
    """The result of grading one exercise (what the report and the summary line show)."""

    number: str  # "06"
    slug: str  # "ex06_parallel_http"
    title: str
    status: str  # "passed" | "failed" | "not-started"
    reason: str = ""
    kind: str = ""
    seconds: float = 0.0
    details: dict = field(default_factory=dict)
