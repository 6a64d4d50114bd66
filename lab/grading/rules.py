"""The rules every exercise is judged by, in one place. Each raises ``GradeFailure`` with
what the learner should read, or returns what it measured (a ``Measure``, shown on a pass).

What decides is what the lab saw (lab.grading.evidence): lanes of the requests and look-ups
of the case, timed by httpbin, the DNS server and the proxies, in the grader's clock. What
the learner's process reported (its calls' units, its own results) can only add a failure.

**The speed rule.** Under an injected latency, ``units`` pieces of work that each cost
``unit_cost`` seconds take ``sequential = units * unit_cost`` one after another, and at
least ``floor`` seconds however concurrent the code is (the longest unit, or
``ceil(units / k) * unit_cost`` with k at a time). A check picks numbers such that
``sequential`` is well above the ceiling; then:

- **too fast**: ``elapsed < floor * TOO_FAST_FRACTION``. The latency proxy never delivers
  early, so finishing sooner means some unit skipped its I/O. The 5 % slack only absorbs
  clock granularity.
- **slow**: ``elapsed > ceiling`` where ``ceiling = floor * 2 + 0.5 s`` (or halfway to
  ``sequential``, if that is lower). A concurrent solution takes about ``floor`` plus a few
  ms per unit; on a 2-core machine loaded far past its cores (load average 3.7, one core
  held by a busy loop) a correct Pool(6) was seen at 2.1 x its floor, so the ceiling leaves
  room for that and no more: a sequential run (4-10 x the floor here) never gets under it
  (``make flake`` prints the share of the ceiling each run used).
- **in flight**: the verdict on concurrency itself rests on how many requests the lab saw
  outstanding at once (``require_in_flight``), which load on the machine barely moves: all
  of them where the exercise asks for everything at once, exactly ``k`` for a pool of ``k``.

**Finished before it returned.** When the learner's call returned, nothing of the case may
still be outstanding at the lab (``require_joined``), no request may arrive afterwards
(``require_nothing_after``), and the process may hold no answer it never read nor a
connection still waiting for one (``require_nothing_left``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lab.grading.contract import GradeFailure
from lab.grading.result import FailureKind, Measure
from lab.i18n import t, unit

TOO_FAST_FRACTION = 0.95
CEILING_FACTOR = 2.0
CEILING_SLACK_S = 0.5
# A lane of the lab that ends this soon after the call's end was over when it returned: the
# grader stamps the "end" marker when it arrives, a moment after the learner's return.
AFTER_END_SLACK_S = 0.02

SEQUENTIAL_HINT = "speed.sequential_hint"
PARTLY_CONCURRENT_HINT = "speed.partly_hint"


# -- lanes --------------------------------------------------------------------------------
def max_overlap(lanes: Iterable[Any]) -> int:
    """The largest number of lanes open at the same moment (objects with ``start`` and
    ``end``, or dicts with those keys; an ``end`` of None never ends)."""
    steps = []
    for lane in lanes:
        start, end = (
            (lane["start"], lane["end"]) if isinstance(lane, dict) else (lane.start, lane.end)
        )
        steps += [(start, 1), (float("inf") if end is None else end, -1)]
    running = peak = 0
    for _, step in sorted(steps):
        running += step
        peak = max(peak, running)
    return peak


def _who(lanes: Sequence[Any]) -> str:
    """Which server saw the lanes: "httpbin" or "the DNS server"."""
    via = getattr(lanes[0], "via", "") if lanes else ""
    return {"dns": t("seen.dns"), "grader": t("seen.grader_clients"), "": t("seen.process")}.get(
        via, t("seen.httpbin")
    )


# -- concurrency ----------------------------------------------------------------------------
def ceiling_for(floor: float, sequential: float) -> float:
    """The slowest accepted time (see the module docstring)."""
    return min(floor * CEILING_FACTOR + CEILING_SLACK_S, floor + (sequential - floor) / 2)


def require_in_flight(
    lanes: Sequence[Any],
    want: int,
    what: str,
    asked: str,
    *,
    calls: Sequence[Any] | None = None,
    exact: bool = False,
    suggestion: str = "",
) -> Measure:
    """Fail unless the lab saw ``want`` of ``lanes`` outstanding at once (never more if
    ``exact``). ``asked`` says what the exercise asks for ("all 16 at once", "a pool of 4");
    ``calls``, the learner's own units, are only named in the message."""
    seen = max_overlap(lanes)
    measure = Measure("in flight", what, _source(lanes), len(lanes), seen)
    if calls is not None:
        measure.calls, measure.calls_at_once = len(calls), max_overlap(calls)
    said = _calls_said(measure)
    if seen < want:
        raise GradeFailure(
            t("speed.in_flight_few", who=_who(lanes), seen=seen, unit=unit(what), asked=asked)
            + said,
            kind=FailureKind.SLOW,
            suggestion=suggestion or t(PARTLY_CONCURRENT_HINT),
        )
    if exact and seen > want:
        raise GradeFailure(
            t("speed.in_flight_many", who=_who(lanes), seen=seen, unit=unit(what), asked=asked)
            + said,
            kind=FailureKind.WRONG,
        )
    return measure


def _source(lanes: Sequence[Any]) -> str:
    """Who saw ``lanes``: "httpbin", "dns", "grader" (its own clients) or "process" (the
    learner's units: exercises no lab server sees)."""
    via = getattr(lanes[0], "via", "") if lanes else ""
    return {"dns": "dns", "grader": "grader", "": "process"}.get(via, "httpbin")


def _calls_said(m: Measure) -> str:
    """ " (your process had 17 calls running at once)" when that differs from the lab."""
    if not m.calls or m.calls_at_once is None or m.calls_at_once <= m.at_once:
        return ""
    return " " + t("speed.calls_said", n=m.calls_at_once, lab=m.at_once)


def require_concurrent(
    elapsed: float,
    *,
    units: int,
    unit_cost: float,
    floor: float,
    lanes: Sequence[Any] = (),
    suggestion: str = "",
    sequential: float | None = None,
    what: str = "units",
    by: str = "lab",
) -> Measure:
    """Fail unless ``elapsed`` shows real concurrency; the measure has the margin.

    ``sequential`` overrides ``units * unit_cost`` when units cost different amounts;
    ``what`` names one unit in the message ("requests"). Raises with kind "too-fast" or
    "slow"; for "slow", a likely cause (``suggestion``, or one chosen from the lanes)."""
    sequential = units * unit_cost if sequential is None else sequential
    ceiling = ceiling_for(floor, sequential)
    measure = Measure(
        "speed", what, by, units, max_overlap(lanes) if lanes else 0,
        elapsed=round(elapsed, 4), floor=round(floor, 4), ceiling=round(ceiling, 4),
        sequential=round(sequential, 4), margin=round(ceiling - elapsed, 4),
    )  # fmt: skip
    if elapsed < floor * TOO_FAST_FRACTION:
        raise GradeFailure(
            t("speed.too_fast", elapsed=elapsed, floor=floor),
            kind=FailureKind.TOO_FAST,
            suggestion=t("speed.too_fast_hint"),
        )
    if elapsed > ceiling:
        seen = measure.at_once if lanes else "?"
        if not suggestion:
            alone = lanes and measure.at_once <= 1
            suggestion = t(SEQUENTIAL_HINT if alone or not lanes else PARTLY_CONCURRENT_HINT)
        raise GradeFailure(
            t("speed.slow", elapsed=elapsed, units=units, unit=unit(what),
              sequential=sequential, floor=floor, ceiling=ceiling, seen=seen, who=_who(lanes)),
            kind=FailureKind.SLOW,
            suggestion=suggestion,
        )  # fmt: skip
    return measure


def lab_elapsed(lanes: Sequence[Any]) -> float:
    """From the first arrival to the last answer the lab saw (0 without lanes)."""
    if not lanes:
        return 0.0
    ends = [lane.end for lane in lanes if lane.end is not None]
    return (max(ends) if ends else lanes[-1].start) - min(lane.start for lane in lanes)


def require_fast_enough(
    lanes: Sequence[Any], call_elapsed: float | None, **rule: Any
) -> list[Measure]:
    """The speed rule on what the lab saw (from the first arrival to the last answer), and
    on the call as the grader timed it, which can only add a failure. Returns the lab's
    measure (shown on a pass)."""
    measured = require_concurrent(lab_elapsed(lanes), lanes=lanes, by=_source(lanes), **rule)
    if call_elapsed is not None:
        require_concurrent(call_elapsed, lanes=lanes, by="grader", **rule)
        measured.call_elapsed = round(call_elapsed, 4)
    return [measured]


# -- finished before it returned ---------------------------------------------------------
def require_joined(lanes: Sequence[Any], returned: float, what: str, how: str) -> None:
    """Fail when a lane of the case was still outstanding at the lab when the call
    returned (``returned``: the grader's time of its "end")."""
    late = [lane for lane in lanes if lane.start <= returned and _ends_after(lane, returned)]
    if late:
        first = late[0]
        raise GradeFailure(
            t("joined.lab", who=_who(lanes), n=len(late), unit=unit(what), first=first.label,
              at=_at(first, returned), how=how),
            kind=FailureKind.WRONG,
        )  # fmt: skip


def _ends_after(lane: Any, t0: float) -> bool:
    return lane.end is None or lane.end > t0 + AFTER_END_SLACK_S


def _at(lane: Any, returned: float) -> str:
    if lane.end is None:
        return t("joined.never")
    return t("joined.after", seconds=lane.end - returned)


def require_finished(seen: Any, lanes: Sequence[Any], what: str, function: str, how: str) -> Any:
    """All of "finished before it returned" for the call of a case whose ``lanes`` the lab
    saw (``what`` they are, the learner's ``function`` whose calls are its units, ``how``
    to wait for them); returns the call (lab.grading.events.Span)."""
    call = seen.span()
    require_joined(lanes, call.end, what, how)
    require_nothing_after(lanes, call.end, what)
    require_nothing_left(seen.at_end.get(call.name), seen.links, how)
    require_calls_joined(call, function, how)
    return call


def require_calls_joined(span: Any, what: str, how: str) -> None:
    """Fail when the learner's process itself reported a call of ``what`` still running
    when its timed call returned, or starting after it (this can only add a failure: the
    verdict that work was finished rests on the lab's records where there is a lab)."""
    end = span.end
    running = [u.label for u in span.units if u.end is None or u.end > end or u.start > end]
    if running:
        raise GradeFailure(
            t("joined", n=len(running), unit=what, first=running[0], how=how),
            kind=FailureKind.WRONG,
        )


def require_nothing_after(lanes: Sequence[Any], returned: float, what: str) -> None:
    """Fail when a request or look-up of the case reached the lab after the call returned."""
    after = [lane for lane in lanes if lane.start > returned + AFTER_END_SLACK_S]
    if after:
        raise GradeFailure(
            t("joined.after_end", who=_who(lanes), n=len(after), unit=unit(what),
              first=after[0].label, seconds=after[0].start - returned),
            kind=FailureKind.WRONG,
        )  # fmt: skip


def require_nothing_left(at_end: Any, links: Sequence[dict], how: str) -> None:
    """Fail when, the moment the call returned, the learner's process held an answer from
    the lab that nobody had read, or a connection through a proxy still waiting for its
    answer (``links``: the proxies' connection records). Killed work closes its sockets."""
    if at_end is None:
        return
    if at_end.unread:
        raise GradeFailure(t("joined.unread", where=_show(at_end.unread[0].remote),
                             n=len(at_end.unread), how=how), kind=FailureKind.WRONG)  # fmt: skip
    mine = {_show(s.local) for s in at_end.held if s.proto == "tcp"}
    waiting = [
        link
        for link in links
        if link["client"] in mine
        and (link["closed"] is None or link["closed"] > at_end.released)
        and _waiting_at(link, at_end.at)
    ]
    if waiting:
        raise GradeFailure(
            t("joined.waiting", n=len(waiting), listen=waiting[0]["listen"], how=how),
            kind=FailureKind.WRONG,
        )


def _show(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _waiting_at(link: dict, t0: float) -> bool:
    """Whether the connection had asked something before ``t0`` with no whole answer yet."""
    for began, answered in link["exchanges"]:
        if began is not None and began <= t0 and (answered is None or answered > t0):
            return True
    return False


# -- through the lab ------------------------------------------------------------------------
def require_through_proxy(record: Any, paths: Sequence[str], what: str = "requests") -> None:
    """Fail unless httpbin served every path in ``paths`` through a proxy, and none of them
    around it (its own port, or the port behind the proxy dialed directly)."""
    from lab.grading.evidence import around, asked

    skipped = around(record, paths)
    if skipped:
        behind = skipped[0]["listener"] == "upstream"
        raise GradeFailure(
            t("proxy.behind" if behind else "proxy.around", n=len(skipped), what=unit(what),
              first=skipped[0]["path"]),
            kind=FailureKind.WRONG,
        )  # fmt: skip
    through = asked(record, paths)
    missing = [p for p in paths if p not in through]
    if missing:
        raise GradeFailure(
            t("proxy.missing", n=len(missing), total=len(paths), what=unit(what),
              first=missing[0]),
            kind=FailureKind.WRONG,
        )  # fmt: skip


def require_asked_dns(record: Any, names: Sequence[str]) -> None:
    """Fail unless the lab's DNS server was asked every name in ``names``."""
    asked = {e["name"] for e in record.dns}
    missing = [n for n in names if n.lower().rstrip(".") not in asked]
    if missing:
        raise GradeFailure(
            t("dns.missing", n=len(missing), total=len(names), first=missing[0]),
            kind=FailureKind.WRONG,
        )


def require_unchanged(before: dict, after: dict) -> None:
    """Fail when the lab's toxics or DNS delay changed while the learner's code ran."""
    changed = [
        t("lab.changed_proxy", name=repr(name), before=_toxics(before["toxics"].get(name)),
          after=_toxics(toxics))
        for name, toxics in after["toxics"].items()
        if before["toxics"].get(name) != toxics
    ] + [
        t("lab.changed_deleted", name=name)
        for name in before["toxics"]
        if name not in after["toxics"]
    ]  # fmt: skip
    if before["dns_delay"] != after["dns_delay"]:
        changed.append(t("lab.changed_dns", before=before["dns_delay"], after=after["dns_delay"]))
    if changed:
        raise GradeFailure(t("lab.changed", changes="; ".join(changed)), kind=FailureKind.WRONG)


def _toxics(toxics: list | None) -> str:
    if not toxics:
        return t("cli.no_toxics")
    return ", ".join(f"{x.type} {x.attributes}" for x in toxics)


# -- one process, one thread ----------------------------------------------------------------
def require_no_processes(started: Sequence[Any], killed_for_forking: bool) -> None:
    """The lesson is greenlets in one process: creating any process fails, even one that
    ended at once (the kernel stopped the attempt, or the grader saw the child)."""
    if killed_for_forking:
        raise GradeFailure(t("processes.forbidden"), kind=FailureKind.WRONG)
    if started:
        raise GradeFailure(
            t("processes.seen", n=len(started), first=started[0]), kind=FailureKind.WRONG
        )


def require_no_leftovers(leftovers: Sequence[Any]) -> None:
    """Processes the exercise left running after it returned fail it (they were killed)."""
    if leftovers:
        raise GradeFailure(
            t("leftovers", n=len(leftovers), first=leftovers[0]), kind=FailureKind.WRONG
        )


def require_one_thread(threads: int | None) -> None:
    """The lesson is greenlets: work done by OS threads fails, whatever made them."""
    if threads is not None and threads > 1:
        raise GradeFailure(t("threads", n=threads), kind=FailureKind.WRONG)


# -- answers ----------------------------------------------------------------------------------
def require_results_for(expected_keys: Sequence[Any], results: dict, what: str) -> None:
    """Fail unless ``results`` has exactly one entry per expected key."""
    missing = [k for k in expected_keys if k not in results]
    extra = [k for k in results if k not in set(expected_keys)]
    if missing:
        raise GradeFailure(t("results.missing", n=len(missing), what=unit(what), first=missing[0]))
    if extra:
        raise GradeFailure(t("results.extra", what=unit(what), first=extra[0]))


def require_dict_per_input(results: Any, inputs: Sequence[Any], function: str, what: str) -> None:
    """Fail unless ``results`` is a list of dicts, one per input, saying which one is not.
    ``results`` went through lab.checks._common.plain: a list, or ``{"_type", "_value"}``
    for anything else, and in it ``{"_exception": ...}``/``{"_value": ...}`` for an entry
    that was not a dict."""
    if not isinstance(results, list):
        described = results if isinstance(results, dict) else {}
        raise GradeFailure(
            t("results.not_list", function=function, unit=unit(what),
              type=described.get("_type", type(results).__name__),
              value=described.get("_value", f"{results!r:.120}"))
        )  # fmt: skip
    if len(results) != len(inputs):
        raise GradeFailure(
            t("results.count", function=function, n=len(results), total=len(inputs),
              unit=unit(what))
        )  # fmt: skip
    for given, result in zip(inputs, results):
        if result is None:
            raise GradeFailure(t("results.none", given=given))
        if "_exception" in result:
            raise GradeFailure(t("results.exception", given=given, error=result["_exception"]))
        if "_value" in result:
            raise GradeFailure(t("results.not_dict", given=given, value=result["_value"]))


def require_printed_by(lines: list, expected: dict[str, str]) -> None:
    """Fail when a line was printed by the wrong greenlet; ``expected`` maps a line's
    prefix to the greenlet that must print it."""
    for who, text in lines:
        for start, owner in expected.items():
            if text.startswith(start) and who != owner:
                raise GradeFailure(t("printed_by", text=text, who=who, owner=owner))
