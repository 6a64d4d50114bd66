"""What grading yields, typed, end to end: the runner's message, each exercise's ``Outcome``,
``grade.json``'s entries, and what the dashboard and ``reports/index.html`` read back.

``Outcome.to_json()`` is one exercise's entry of ``grade.json`` (lab.grading.report holds
the file's envelope) and ``Outcome.from_json()`` reads it back, so that nobody parses it by
hand; ``RunnerResult`` is the one message the learner's process sends at its end
(lab.grading.inside). Golden files of each kind of outcome live in tests/grading/golden/.

An exercise entry (``grade.json`` version 2)::

    {"number": "06", "stem": "ex06_parallel_http", "title": "...",
     "status": "passed" | "failed" | "not-started",
     "kind": null | "not-done" | "wrong" | "slow" | "too-fast" | "timeout" | "crash"
             | "grader-error" | "lab-error" | "skipped",
     "points": 1, "reason": "...", "seconds": 1.2, "seed": 141876,
     "graded_at": "2026-11-26T01:40:00Z",
     "evidence": "httpbin saw 17 requests, 17 at once; 0.82 s (floor 0.80 s)",
     "measures": [{"rule": "in flight", "unit": "requests", "by": "httpbin", "units": 17,
                   "at_once": 17, "calls": 17, "calls_at_once": 17, ...}],
     "calls": [{"label": "/bytes/10", "start": 0.01, "end": 0.27}],   # your process's units
     "lab": [{"label": "/bytes/10", "start": 0.02, "end": 0.27, "via": "proxy"}],  # the lab's
     "floor": 0.8, "lesson_s": 0.8, "threads": 1, "blocked": [...], "switches": [...],
     "warning": "", "notes": []}

``floor`` is the speed rule's (the fastest any solution can be, drawn on the timelines);
``lesson_s`` what the exercise itself costs a correct solution under this case's latency (a
check's ``lesson_s(case)``, else the floor): ``make bench-grade`` measures the grader's
overhead against it.

Times in ``calls`` and ``lab`` are seconds from the call's start, in the grader's clock;
``end`` null: it had not ended when the run was over.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where an exercise stands after grading."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not-started"  # a TODO still raises NotImplementedError


class FailureKind(StrEnum):
    """Why an exercise did not pass."""

    NOT_DONE = "not-done"
    WRONG = "wrong"  # an answer is wrong, or the lab saw the lesson skipped
    SLOW = "slow"  # no real speed-up
    TOO_FAST = "too-fast"  # faster than the injected latency allows: work was skipped
    TIMEOUT = "timeout"  # stopped at the time limit
    CRASH = "crash"  # the learner's code raised or its process died
    GRADER_ERROR = "grader-error"  # a bug of ours
    LAB_ERROR = "lab-error"  # the lab stopped answering
    SKIPPED = "skipped"  # the target has no file for this exercise


@dataclass
class Measure:
    """One thing a rule measured (lab.grading.rules), shown on a pass."""

    rule: str  # "in flight" or "speed"
    unit: str  # "requests", "look-ups", ...
    by: str  # who measured: "httpbin", "dns", "grader" (the call's own time), "process"
    units: int = 0  # how many the lab saw
    at_once: int = 0  # the most it saw outstanding at once
    calls: int | None = None  # how many calls the learner's process reported
    calls_at_once: int | None = None
    elapsed: float | None = None  # seconds, for "speed"
    floor: float | None = None
    ceiling: float | None = None
    sequential: float | None = None
    margin: float | None = None
    call_elapsed: float | None = None  # the call as the grader timed it

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measure:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Bar:
    """One lane of a picture: a unit of work, from ``start`` to ``end`` (seconds)."""

    label: str
    start: float
    end: float | None
    via: str = ""  # for the lab's lanes: "proxy", "extra proxy", "dns"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "start": self.start, "end": self.end}
        if self.via:
            data["via"] = self.via
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Bar:
        return cls(
            str(data.get("label")), float(data["start"]), data.get("end"), data.get("via", "")
        )


@dataclass
class Outcome:
    """The result of grading one exercise."""

    number: str  # "06"
    slug: str  # the stem, "ex06_parallel_http"
    title: str
    status: Status
    reason: str = ""
    kind: FailureKind | None = None
    seconds: float = 0.0
    evidence: str = ""  # the pass line: what the lab saw, measured
    measures: list[Measure] = field(default_factory=list)
    calls: list[Bar] = field(default_factory=list)  # the learner's units
    lab: list[Bar] = field(default_factory=list)  # what the lab saw
    floor: float | None = None
    lesson_s: float | None = None  # what the lesson itself costs under this case (seconds)
    threads: int | None = None
    blocked: list[dict[str, Any]] = field(default_factory=list)
    switches: list[dict[str, Any]] = field(default_factory=list)
    warning: str = ""
    notes: list[str] = field(default_factory=list)  # said under a pass (a lesson it still holds)
    traceback: str = ""  # a grader error's, for us: never written to grade.json
    seed: int | None = None
    graded_at: str | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def margin(self) -> float | None:
        """The smallest speed margin measured (seconds under the slowest accepted time)."""
        margins = [m.margin for m in self.measures if m.margin is not None]
        return min(margins) if margins else None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "stem": self.slug,
            "title": self.title,
            "status": str(self.status),
            "kind": str(self.kind) if self.kind else None,
            "points": int(self.passed),
            "reason": self.reason,
            "seconds": self.seconds,
            "seed": self.seed,
            "graded_at": self.graded_at,
            "evidence": self.evidence,
            "measures": [m.to_json() for m in self.measures],
            "calls": [b.to_json() for b in self.calls],
            "lab": [b.to_json() for b in self.lab],
            "floor": self.floor,
            "lesson_s": self.lesson_s,
            "threads": self.threads,
            "blocked": self.blocked,
            "switches": self.switches,
            "warning": self.warning,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        kind = data.get("kind")
        return cls(
            number=str(data["number"]),
            slug=str(data["stem"]),
            title=str(data.get("title", "")),
            status=Status(data["status"]),
            reason=str(data.get("reason") or ""),
            kind=FailureKind(kind) if kind else None,
            seconds=float(data.get("seconds") or 0.0),
            evidence=str(data.get("evidence") or ""),
            measures=[Measure.from_json(m) for m in data.get("measures") or []],
            calls=[Bar.from_json(b) for b in data.get("calls") or []],
            lab=[Bar.from_json(b) for b in data.get("lab") or []],
            floor=data.get("floor"),
            lesson_s=data.get("lesson_s"),
            threads=data.get("threads"),
            blocked=list(data.get("blocked") or []),
            switches=list(data.get("switches") or []),
            warning=str(data.get("warning") or ""),
            notes=[str(n) for n in data.get("notes") or []],
            seed=data.get("seed"),
            graded_at=data.get("graded_at"),
        )


@dataclass
class RunnerResult:
    """The one message the learner's process sends at its end (lab.grading.inside):
    ``ok`` with what the check's ``run`` observed, ``not-done`` (a TODO), or ``failed``."""

    status: str  # "ok" | "not-done" | "failed"
    observed: dict[str, Any] | None = None
    kind: str = ""
    reason: str = ""
    suggestion: str = ""
    traceback: str = ""
    late_patch: list[str] = field(default_factory=list)  # imported before gevent's patch

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunnerResult:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}
