"""What the lab's own servers saw during a run: every HTTP request httpbin answered and every
DNS query the DNS server answered (their records, ``GET /lab/record`` and ``GET /record``).

The grader notes where each record stands before the learner's code runs (``mark``) and
reads what came after (``collect``). Entries carry the services' wall clock; they are turned
into the grader's clock (seconds since the run's "begin" event), the clock of its timeline.

``observed["served"]`` is ``{"http": [...], "dns": [...], "complete": bool}``; an http
entry has ``listener`` ("upstream": through the latency proxy; "direct": around it),
``method``, ``path``, ``status``, ``start`` and ``end``; a dns entry ``name``, ``qtype``,
``start`` and ``end``. ``complete`` is False when a record lost entries (a service
restarted, or its ring overflowed): checks then do not hold missing entries against anyone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from lab.config import LabConfig

TIMEOUT_S = 5.0
PAGE = 5000
_FAR = 10**15  # a "since" past every sequence number: the answer says where the record is


@dataclass(frozen=True)
class Mark:
    instance: str
    next: int


def _sources(cfg: LabConfig) -> dict[str, str]:
    return {
        "http": f"{cfg.httpbin_direct_url}/lab/record",
        "dns": f"{cfg.dns_control_url}/record",
    }


def mark(cfg: LabConfig) -> dict[str, Mark | None]:
    """Where each record stands now (None: that service keeps no record)."""
    marks: dict[str, Mark | None] = {}
    for name, url in _sources(cfg).items():
        page = _read(url, _FAR, 1)
        marks[name] = Mark(page["instance"], int(page["next"])) if page else None
    return marks


def collect(cfg: LabConfig, marks: dict[str, Mark | None], begin: float | None) -> dict:
    """Everything recorded since ``marks``, in the grader's clock relative to ``begin``
    (a ``time.monotonic()`` value; None: relative to now)."""
    offset = time.time() - time.monotonic()  # wall clock -> this process's monotonic clock
    origin = begin if begin is not None else time.monotonic()
    served: dict[str, Any] = {"http": [], "dns": [], "complete": True}
    for name, url in _sources(cfg).items():
        entries, complete = _since(url, marks.get(name))
        served["complete"] &= complete
        served[name] = [_entry(name, e, offset, origin) for e in entries]
    return served


def _since(url: str, start: Mark | None) -> tuple[list[dict], bool]:
    if start is None:
        return [], False
    entries: list[dict] = []
    since = start.next
    while True:
        page = _read(url, since, PAGE)
        if page is None or page["instance"] != start.instance or page["dropped"]:
            return entries, False
        entries += page["entries"]
        if not page["entries"] or page["next"] == since:
            return entries, True
        since = page["next"]


def _read(url: str, since: int, limit: int) -> dict | None:
    try:
        r = requests.get(url, params={"since": since, "limit": limit}, timeout=TIMEOUT_S)
        r.raise_for_status()
        page = r.json()
        return page if isinstance(page, dict) and "next" in page else None
    except (requests.RequestException, ValueError):
        return None


def _entry(kind: str, e: dict, offset: float, origin: float) -> dict:
    def rel(wall: float | None) -> float | None:
        return None if wall is None else round(wall - offset - origin, 4)

    if kind == "http":
        return {
            "listener": e.get("listener"),
            "method": e.get("method"),
            "path": e.get("path"),
            "status": e.get("status"),
            "start": rel(e.get("arrival")),
            "end": rel(e.get("complete")),
        }
    return {
        "name": str(e.get("qname") or "").rstrip("."),
        "qtype": e.get("qtype"),
        "start": rel(e.get("arrival")),
        "end": rel(e.get("sent")),
    }
