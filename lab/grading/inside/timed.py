"""Around the learner's call, in the learner's process: the markers the grader times it by,
and the units of work it draws.

In a check's ``run``::

    from lab.grading.inside.timed import Timeline, timed
    timeline = Timeline()
    module.fetch_one = timeline.wrap(module.fetch_one)   # label: its first argument
    results = timed(module.fetch_all, urls)

``timed`` sends "begin" and "end" around the call on the grader's channel; the grader stamps
them with its own clock, and after "end" looks at the process while it waits (its sockets to
the lab). Every call of a wrapped function sends "unit+"/"unit-": the grader draws them as
the learner's lanes, beside the lanes the lab's servers saw. Those come from this process,
so they are pictures and can only add a failure; what the lab saw decides.

This module imports nothing that gevent patches, so a check may import it at any time.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import sys
from collections.abc import Callable
from typing import Any

from lab.grading.inside import channel

_ids = itertools.count(1)


def timed(fn: Callable, *args: Any, span: str = "call", **kwargs: Any) -> Any:
    """Call the learner's ``fn`` between "begin" and "end" markers on the grader's channel,
    then wait for the grader to have looked at this process, then give gevent's loop one
    turn (work the call left behind shows itself).

    gevent's loop caches the time at each iteration; imports since the hub was created
    leave that cache stale, and a timer started from it (``joinall(timeout=...)``) would
    fire early. So the cache is brought up to date first.
    """
    from lab.grading.inside.watchdog import Watchdog

    gevent = sys.modules.get("gevent")
    if gevent is not None:
        gevent.get_hub().loop.update_now()
    watchdog = Watchdog()  # names a line that blocks the event loop
    watchdog.start()
    channel.send("begin", span=span)
    try:
        result = fn(*args, **kwargs)
    finally:
        watchdog.stop()
    channel.send("end", span=span)
    channel.wait()
    if gevent is not None:
        # One turn of the loop: greenlets spawned and never joined start now, and say so
        # (a "unit+" after the "end"), instead of vanishing with the process.
        gevent.sleep(0)
    return result


def in_order(fn: Callable) -> Callable[[tuple, dict], tuple]:
    """``(args, kwargs) -> values``: a call's arguments in the order of ``fn``'s parameters,
    however they were passed (``spawn(countdown, label="A", n=3)`` gives the same as
    ``spawn(countdown, "A", 3)``)."""
    try:
        signature: inspect.Signature | None = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None

    def values(args: tuple, kwargs: dict) -> tuple:
        if signature is not None:
            try:
                return tuple(signature.bind(*args, **kwargs).arguments.values())
            except TypeError:  # a wrong call: fn itself will say so
                pass
        return (*args, *kwargs.values())

    return values


class Timeline:
    """The learner's units of work (calls of wrapped functions) for the grader's pictures."""

    def __init__(self, span: str = "call") -> None:
        self.span = span  # the timed call these units belong to

    def wrap(self, fn: Callable, label: Callable[..., Any] | None = None) -> Callable:
        """``fn`` sending one unit per call. ``label(*arguments) -> str`` names the unit
        (the arguments in parameter order, see ``in_order``); by default the first one."""
        arguments = in_order(fn)

        @functools.wraps(fn)
        def unit(*args: Any, **kwargs: Any) -> Any:
            given = arguments(args, kwargs)
            try:
                name = label(*given) if label else (given[0] if given else fn.__name__)
            except Exception:
                name = fn.__name__
            ident = next(_ids)
            channel.send("unit+", id=ident, label=str(name)[:200], span=self.span)
            try:
                return fn(*args, **kwargs)
            finally:
                channel.send("unit-", id=ident)

        return unit
