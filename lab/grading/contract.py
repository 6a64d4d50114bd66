"""The contract between the grading engine and one exercise's check, and what grading yields.

Each exercise has three files with the same stem (``lab/exercises.toml`` lists them):

- ``exercises/exNN_<slug>.py``: what the learner edits (TODOs raise NotImplementedError);
- ``solutions/exNN_<slug>.py``: the reference solution, same public functions;
- ``lab/checks/exNN_<slug>.py``: how it is graded, a module that is a ``Check``.

Title, time limit, whether it needs the lab and the hints are the manifest's; a check holds
only what grading does, and the numbers it does it with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # checks import this module in the learner's process: keep it light
    from lab.grading.context import GradeContext

Case = dict[str, Any]  # JSON-serialisable inputs, from setup to run
Observed = dict[str, Any]  # JSON-serialisable observations, from run to verify


class Check(Protocol):
    """What a module under ``lab/checks/`` defines."""

    def setup(self, ctx: GradeContext) -> Case:
        """In the grader's process: inject this exercise's latency through ``ctx`` (never by
        hand), draw randomised inputs from ``ctx.rng``, return the case. The engine restores
        the lab's toxics and DNS delay afterwards, whatever happens."""

    def run(self, module: Any, case: Case) -> Observed:
        """In a *fresh* Python process, right after the learner's module was imported (its
        monkey patching comes first): call its functions, return observations (results,
        ``elapsed`` seconds, a ``timeline`` of ``{"label", "start", "end"}``). A check
        imports requests, ssl and gevent only inside ``run``, never at module level."""

    def verify(self, ctx: GradeContext, case: Case, observed: Observed) -> None:
        """In the grader's process: check answers against what the services really served,
        and the speed against the injected latency; raise ``GradeFailure`` if wrong."""


class Status(StrEnum):
    """Where an exercise stands after grading."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not-started"  # a TODO still raises NotImplementedError


class Kind(StrEnum):
    """Why an exercise did not pass."""

    NOT_DONE = "not-done"
    WRONG = "wrong"  # an answer is wrong
    SLOW = "slow"  # no real speed-up
    TOO_FAST = "too-fast"  # faster than the injected latency allows: work was skipped
    TIMEOUT = "timeout"  # stopped at the time limit
    CRASH = "crash"  # the learner's code raised or its process died
    GRADER_ERROR = "grader-error"  # a bug of ours
    LAB_ERROR = "lab-error"  # the lab stopped answering
    SKIPPED = "skipped"  # the target has no file for this exercise


class GradeFailure(AssertionError):
    """A failed check, with what the learner should read."""

    def __init__(
        self,
        reason: str,
        kind: Kind | str = Kind.WRONG,
        timeline: list | None = None,
        suggestion: str = "",
    ):
        super().__init__(reason)
        self.reason = reason
        self.kind = Kind(kind)
        self.timeline = timeline or []
        self.suggestion = suggestion


@dataclass
class Outcome:
    """The result of grading one exercise (what the report and the summary line show)."""

    number: str  # "06"
    slug: str  # the stem, "ex06_parallel_http"
    title: str
    status: Status
    reason: str = ""
    kind: Kind | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED
