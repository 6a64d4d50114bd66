"""The contract between the grading engine and one exercise's check, and what grading yields.

Each exercise has three files with the same stem (``lab/exercises.toml`` lists them):

- ``exercises/exNN_<slug>.py``: what the learner edits (TODOs raise NotImplementedError);
- ``solutions/exNN_<slug>.py``: the reference solution, same public functions;
- ``lab/checks/exNN_<slug>.py``: how it is graded, a module that is a ``Check``.

Title, time limit, whether it needs the lab and the hints are the manifest's; a check holds
only what grading does, and the numbers it does it with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from lab.grading.result import FailureKind

if TYPE_CHECKING:  # checks import this module in the learner's process: keep it light
    from lab.grading.context import GradeContext
    from lab.grading.evidence import Seen
    from lab.grading.result import Measure

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
        monkey patching comes first): call its functions inside ``timed`` (which marks the
        call for the grader), return what they answered. A check imports requests, ssl and
        gevent only inside ``run``, never at module level."""

    def verify(
        self, ctx: GradeContext, case: Case, observed: Observed, seen: Seen
    ) -> list[Measure]:
        """In the grader's process: check the answers against what the services really
        served, and concurrency and speed against what the lab saw (``seen``: the lab's
        records, the call's markers, the process at its end), with lab.grading.rules; raise
        ``GradeFailure`` if wrong, else return what was measured."""

    # A check may also define ``drive(ctx, case) -> Any``: run in the grader's process
    # while the learner's call runs (ex11: the grader's own clients against the learner's
    # server); ``seen.driven`` is what it returned. And ``lesson_s(case) -> float``: what
    # the exercise itself costs a correct solution (when the speed floor is only a bound).


class GradeFailure(AssertionError):
    """A failed check, with what the learner should read (and, optionally, a likely cause)."""

    def __init__(
        self, reason: str, kind: FailureKind | str = FailureKind.WRONG, suggestion: str = ""
    ):
        super().__init__(reason)
        self.reason = reason
        self.kind = FailureKind(kind)
        self.suggestion = suggestion
