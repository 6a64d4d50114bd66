"""Small helpers shared by the specs of exercises 05-11.

Like every spec module this imports nothing heavy at module level: specs are imported in the
learner's subprocess right after the learner's module, and must not import socket, ssl,
requests or gevent before the learner's monkey patching could have happened.
"""

from __future__ import annotations

import base64
import hashlib
import string

from lab.grading.contract import GradeFailure
from lab.i18n import t, unit

# Grader-side HTTP calls go straight to httpbin on localhost; more than this means the lab
# is wedged, not that the learner is slow.
DIRECT_TIMEOUT = 10.0


def timed(fn, *args, span: str = "call", **kwargs):
    """Call the learner's ``fn`` between "begin" and "end" markers on the grader's channel:
    the grader times the call with its own clock (harness.apply_events).

    gevent's loop caches the time at each iteration; imports since the hub was created
    leave that cache stale, and a timer started from it (``joinall(timeout=...)``) would
    fire early. So the cache is brought up to date first.
    """
    import sys

    from lab.grading import channel
    from lab.grading.blocking import Watchdog

    gevent = sys.modules.get("gevent")
    if gevent is not None:
        gevent.get_hub().loop.update_now()
    watchdog = Watchdog()  # names a line that blocks the event loop (lab.grading.blocking)
    watchdog.start()
    channel.send("begin", span=span)
    try:
        result = fn(*args, **kwargs)
    finally:
        watchdog.stop()
    channel.send("end", span=span)
    return result


class LinesBy:
    """A stdout that remembers which greenlet printed each line.

    ``names`` are module globals holding greenlets (looked up at each write, since the
    learner assigns them while the code runs); a line printed by any other greenlet is
    attributed to "another greenlet" (in the learner's language). ``lines`` is ``[[who, text], ...]``.
    """

    def __init__(self, module, names: tuple[str, ...]):
        self.module, self.names = module, names
        self.lines: list[list[str]] = []
        self._partial: dict[str, str] = {}

    def _who(self) -> str:
        from greenlet import getcurrent

        current = getcurrent()
        found = (n for n in self.names if getattr(self.module, n, None) is current)
        return next(found, t("lines.other_greenlet"))

    def write(self, text: str) -> int:
        who = self._who()
        *done, rest = (self._partial.pop(who, "") + text).split("\n")
        self.lines += [[who, line] for line in done]
        if rest:
            self._partial[who] = rest
        return len(text)

    def flush(self) -> None:
        pass


def require_printed_by(lines: list, expected: dict[str, str], prefix: tuple[str, ...]) -> None:
    """Fail when a line starting with one of ``prefix`` was printed by the wrong greenlet;
    ``expected`` maps a line's prefix to the greenlet that must print it."""
    for who, text in lines:
        for start, owner in expected.items():
            if text.startswith(start) and who != owner:
                raise GradeFailure(t("printed_by", text=text, who=who, owner=owner))


def token(rng, length: int = 10) -> str:
    """A random lowercase word: inputs nobody can hard-code."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def b64_path(text: str) -> str:
    """httpbin's ``/base64/<value>`` path, which answers with ``text`` decoded."""
    return "/base64/" + base64.urlsafe_b64encode(text.encode()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def direct(ctx, path: str):
    """httpbin's own answer to ``path`` (no proxy, no latency): the reference. A Response."""
    import requests

    return requests.get(ctx.httpbin_direct_url + path, timeout=DIRECT_TIMEOUT)


def fetch_direct(ctx, path: str) -> bytes:
    """The body httpbin itself serves at ``path``; an error status is a grader error."""
    response = direct(ctx, path)
    response.raise_for_status()
    return response.content


def require_results_for(expected_keys, results: dict, what: str) -> None:
    """Fail unless ``results`` has exactly one entry per expected key."""
    missing = [k for k in expected_keys if k not in results]
    extra = [k for k in results if k not in set(expected_keys)]
    if missing:
        raise GradeFailure(t("results.missing", n=len(missing), what=what, first=missing[0]))
    if extra:
        raise GradeFailure(t("results.extra", what=what, first=extra[0]))


def require_joined(observed: dict, unit: str, how: str) -> None:
    """Fail unless every ``unit`` call had finished when the learner's function returned
    (the grader's own timeline: ``end`` None or after ``elapsed`` means still running)."""
    elapsed = observed.get("elapsed")
    if elapsed is None:
        raise GradeFailure(t("joined.no_markers"))
    running = [e["label"] for e in observed["timeline"] if e["end"] is None or e["end"] > elapsed]
    if running:
        raise GradeFailure(
            t("joined", n=len(running), unit=unit, first=running[0], how=how),
            timeline=observed["timeline"],
        )


def require_through_proxy(observed: dict, paths: list[str], what: str = "request") -> None:
    """Fail unless httpbin served every path in ``paths`` through the latency proxy (its
    "upstream" listener) and none of them on its direct port, by its own record."""
    served = observed.get("served")
    if not served:
        return
    wanted = set(paths)
    around = [e for e in served["http"] if e["listener"] == "direct" and e["path"] in wanted]
    if around:
        raise GradeFailure(
            t("proxy.around", n=len(around), what=unit(what), first=around[0]["path"])
        )
    through = {e["path"] for e in served["http"] if e["listener"] == "upstream"}
    missing = [p for p in paths if p not in through]
    if missing and served["complete"]:
        raise GradeFailure(
            t("proxy.missing", n=len(missing), total=len(paths), what=unit(what), first=missing[0])
        )


def require_asked_dns(observed: dict, names: list[str]) -> None:
    """Fail unless the lab's DNS server was asked every name in ``names``, by its record."""
    served = observed.get("served")
    if not served:
        return
    asked = {e["name"].lower() for e in served["dns"]}
    missing = [n for n in names if n.lower().rstrip(".") not in asked]
    if missing and served["complete"]:
        raise GradeFailure(t("dns.missing", n=len(missing), total=len(names), first=missing[0]))


def unfinished(timeline: list[dict]) -> list[str]:
    """Labels of units that had not returned when the learner's call did."""
    return [e["label"] for e in timeline if e["end"] is None]


def require_dict_per_input(results, inputs: list, function: str, unit: str) -> None:
    """Fail unless ``results`` is a list of dicts, one per input, saying which one is not."""
    if not isinstance(results, list):
        raise GradeFailure(
            t(
                "results.not_list",
                function=function,
                unit=unit,
                type=type(results).__name__,
                value=f"{results!r:.120}",
            )
        )
    if len(results) != len(inputs):
        raise GradeFailure(
            t("results.count", function=function, n=len(results), total=len(inputs), unit=unit)
        )
    for given, result in zip(inputs, results):
        if result is None:
            raise GradeFailure(t("results.none", given=given))
        if not isinstance(result, dict):
            raise GradeFailure(t("results.not_dict", given=given, value=f"{result!r:.120}"))
