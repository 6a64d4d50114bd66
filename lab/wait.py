"""The lab's one way to wait for something: ask again until it is so, or time is up."""

from __future__ import annotations

import time
from collections.abc import Callable


def until[T](condition: Callable[[], T], timeout: float, interval: float = 0.1) -> T:
    """Call ``condition`` every ``interval`` seconds until it returns a true value, and
    return that value; after ``timeout`` seconds, return its last (false) answer.

    An exception from ``condition`` ends the wait at once: that is how a caller stops
    waiting for a service that has already died.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
