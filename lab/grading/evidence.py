"""What the lab's own servers saw during a run: the judge's evidence.

- httpbin's record (``GET /lab/record``): every request it answered, on which listener
  ("upstream": through the latency proxy; "direct": its own port), from which peer, when it
  arrived and when its answer had been written; plus the requests still in progress;
- the DNS server's record (``GET /record``): every query, when it arrived and was answered;
- the proxies' connection records (``GET /lab/links``, services/toxiproxy/connections.py):
  every client connection, its exchanges and its upstream source port. The grader's own
  Toxiproxy (extra proxies) always keeps one; the lab's keeps one when it is the lab's own
  implementation (not the official image under Docker).

The grader notes where each record stands before the learner's code runs (``mark``) and
reads what came after (``collect``). Entries carry the services' wall clock; they are
turned into the grader's clock (``time.monotonic()``), the clock of the channel's events.

From the records, ``lanes`` say what was outstanding at the lab when: one lane per request
or look-up of the case, from its arrival at the server to the moment its answer reached
the client. The latency toxic delays answers on the proxy's side, after httpbin wrote them,
so a request through the lab's proxy ends ``latency (+ size / rate)`` after httpbin's
``complete`` (``Delivery``); one through a grader's extra proxy ends when that proxy
answered or its client left; a look-up ends when the DNS server sent its answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from lab.config import LabConfig

TIMEOUT_S = 5.0
PAGE = 5000
_FAR = 10**15  # a "since" past every sequence number: the answer says where the record is
# An answer through the lab's proxy reaches the client ``latency`` after the proxy read it,
# which can be a little before httpbin noted ``complete`` (it notes it after its last send
# returned): lanes end this much earlier, so that a pool's next request never seems to
# overlap the answer it waited for.
DELIVERY_TOLERANCE_S = 0.02


@dataclass(frozen=True)
class Mark:
    instance: str
    next: int


@dataclass
class Marks:
    """Where each record stood before the run (None: that source keeps no record)."""

    sources: dict[str, str]  # name -> URL of the record
    at: dict[str, Mark | None]
    taken: float = 0.0  # when (grader clock): what began before is an earlier run's


@dataclass
class Delivery:
    """How long after httpbin's ``complete`` an answer through the lab's proxy reaches its
    client: the proxy's downstream latency and, with a bandwidth toxic, size / rate."""

    latency_s: float = 0.0
    rate_bytes_s: float | None = None

    def after(self, size: int) -> float:
        extra = size / self.rate_bytes_s if self.rate_bytes_s else 0.0
        return max(0.0, self.latency_s + extra - DELIVERY_TOLERANCE_S)

    @classmethod
    def of(cls, toxics: Iterable[Any]) -> Delivery:
        """From a proxy's toxics (lab.control.ToxicSpec): downstream latency and bandwidth."""
        delivery = cls()
        for toxic in toxics:
            if toxic.stream != "downstream" or toxic.toxicity < 1:
                continue
            attrs = toxic.attributes
            if toxic.type == "latency":
                delivery.latency_s += float(attrs.get("latency", 0)) / 1000
            elif toxic.type == "bandwidth" and attrs.get("rate"):
                delivery.rate_bytes_s = float(attrs["rate"]) * 1000
        return delivery


@dataclass
class Lane:
    """One request or look-up of the case, as the lab saw it (grader clock)."""

    label: str  # the request's path, or the name looked up
    start: float
    end: float | None  # None: still outstanding when the record was read
    via: str  # "proxy", "extra proxy", "dns"

    def open_at(self, t: float) -> bool:
        return self.start <= t and (self.end is None or self.end > t)


@dataclass
class Record:
    """Everything recorded since the marks (grader clock), and whether it is whole."""

    http: list[dict[str, Any]] = field(default_factory=list)  # done and pending
    dns: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # the lab's proxy's
    side_links: list[dict[str, Any]] = field(default_factory=list)  # the grader's proxy's
    lab_links: bool = False  # the lab's proxy keeps a connection record
    lost: list[str] = field(default_factory=list)  # records that lost entries: why
    restarted: list[str] = field(default_factory=list)  # services that restarted meanwhile

    @property
    def complete(self) -> bool:
        return not self.lost and not self.restarted


def sources(cfg: LabConfig, side_api: str | None) -> dict[str, str]:
    found = {
        "http": f"{cfg.httpbin_direct_url}/lab/record",
        "dns": f"{cfg.dns_control_url}/record",
        "links": f"{cfg.toxiproxy_url}/lab/links",
    }
    if side_api:
        found["side_links"] = f"{side_api}/lab/links"
    return found


def mark(cfg: LabConfig, side_api: str | None = None) -> Marks:
    """Where each record stands now (the services asked at once)."""
    urls = sources(cfg, side_api)
    taken = time.monotonic()
    pages = _each(urls, lambda url: _read(url, _FAR, 1))
    at = {name: Mark(p["instance"], int(p["next"])) if p else None for name, p in pages.items()}
    return Marks(urls, at, taken)


def _each(sources: dict[str, Any], read: Any) -> dict[str, Any]:
    """``read(source)`` for every source at once: each is a round trip to another service."""
    if not sources:
        return {}
    with ThreadPoolExecutor(len(sources)) as pool:
        futures = {name: pool.submit(read, source) for name, source in sources.items()}
        return {name: f.result() for name, f in futures.items()}


def collect(marks: Marks) -> Record:
    """Everything recorded since ``marks``, in the grader's clock."""
    offset = time.time() - time.monotonic()  # wall clock -> this process's monotonic clock
    record = Record(lab_links=marks.at.get("links") is not None)
    wanted = {n: (url, marks.at[n]) for n, url in marks.sources.items() if marks.at.get(n)}
    pages = _each(wanted, lambda source: _since(*source))
    for name, (entries, pending, problem) in pages.items():
        if problem == "restarted":
            record.restarted.append(name)
        elif problem:
            record.lost.append(f"{name}: {problem}")
        convert, began = _CONVERT[name], _BEGAN[name]
        items = [convert(e, offset) for e in entries] + [convert(e, offset) for e in pending]
        # A request of an earlier run that ended (or still runs) after the marks is not this
        # run's: e.g. one a killed greenlet of the last exercise left waiting at httpbin.
        getattr(record, name).extend(
            i for i in items if i[began] is None or i[began] >= marks.taken
        )
    return record


def _since(url: str, start: Mark) -> tuple[list[dict], list[dict], str]:
    """Entries since ``start``, the pending ones, and what went wrong ("" if nothing)."""
    entries: list[dict] = []
    since = start.next
    while True:
        page = _read(url, since, PAGE)
        if page is None:
            return entries, [], "unreadable"
        if page["instance"] != start.instance:
            return entries, [], "restarted"
        if page["dropped"] or page.get("pending_dropped"):
            return entries, [], f"{page['dropped'] or page['pending_dropped']} entries lost"
        entries += page["entries"]
        if not page["entries"] or page["next"] == since:
            return entries, list(page.get("pending") or []), ""
        since = page["next"]


def _read(url: str, since: int, limit: int) -> dict | None:
    try:
        r = requests.get(url, params={"since": since, "limit": limit}, timeout=TIMEOUT_S)
        r.raise_for_status()
        page = r.json()
        return page if isinstance(page, dict) and "next" in page else None
    except (requests.RequestException, ValueError):
        return None


def _clock(wall: float | None, offset: float) -> float | None:
    return None if wall is None else wall - offset


def _http(e: dict, offset: float) -> dict[str, Any]:
    return {
        "listener": e.get("listener"),
        "peer": e.get("peer"),
        "method": e.get("method"),
        "path": e.get("path"),
        "status": e.get("status"),
        "bytes": e.get("bytes") or 0,
        "refused": bool(e.get("refused")),
        "arrival": _clock(e.get("arrival"), offset),
        "complete": _clock(e.get("complete"), offset),  # None: still in progress
    }


def _dns(e: dict, offset: float) -> dict[str, Any]:
    return {
        "name": str(e.get("qname") or "").rstrip(".").lower(),
        "qtype": e.get("qtype"),
        "arrival": _clock(e.get("arrival"), offset),
        "sent": _clock(e.get("sent"), offset),
    }


def _link(e: dict, offset: float) -> dict[str, Any]:
    return {
        "proxy": e.get("proxy"),
        "listen": e.get("listen"),
        "client": e.get("client"),
        "upstream_local": e.get("upstream_local"),
        "opened": _clock(e.get("opened"), offset),
        "client_left": _clock(e.get("client_left"), offset),
        "closed": _clock(e.get("closed"), offset),
        "exchanges": [[_clock(b, offset), _clock(a, offset)] for b, a in e.get("exchanges") or []],
    }


_CONVERT = {"http": _http, "dns": _dns, "links": _link, "side_links": _link}
_BEGAN = {"http": "arrival", "dns": "arrival", "links": "opened", "side_links": "opened"}


# -- lanes ----------------------------------------------------------------------------------
def _port(address: str | None) -> int | None:
    try:
        return int(str(address).rpartition(":")[2])
    except ValueError:
        return None


def http_lanes(record: Record, paths: Iterable[str], delivery: Delivery) -> list[Lane]:
    """The requests for ``paths`` that went through a proxy: the lab's (httpbin's
    "upstream" listener) or a grader's extra one (its "direct" listener, from one of the
    grader's extra proxies' connections: ``through_extra``). Requests that went around the
    proxy are not lanes (``around``)."""
    wanted = set(paths)
    side = through_extra(record)
    lanes = []
    for i, e in enumerate(record.http):
        if e["path"] not in wanted or e["refused"] or e["arrival"] is None:
            continue
        if e["listener"] == "upstream":
            end = None if e["complete"] is None else e["complete"] + delivery.after(e["bytes"])
            lanes.append(Lane(e["path"], e["arrival"], end, "proxy"))
        elif (link := side.get(i)) is not None:
            lanes.append(Lane(e["path"], e["arrival"], _answered_or_left(link), "extra proxy"))
    return sorted(lanes, key=lambda lane: lane.start)


# How long after an extra proxy's link passed a request on it may reach httpbin, when only
# the time can pair them (Docker: its published port re-originates the connection).
PAIRING_S = 0.5


def through_extra(record: Record) -> dict[int, dict[str, Any]]:
    """Which of httpbin's "direct" requests (index in ``record.http``) came through which
    extra proxy's link. By the link's upstream port, which httpbin sees as the peer's; when
    a published Docker port re-originated the connection (a peer that is not loopback),
    by time: each such request to the link whose request began last before it arrived."""
    links = extra_links(record)
    by_port = {_port(link["upstream_local"]): link for link in links}
    found: dict[int, dict[str, Any]] = {}
    translated = []
    for i, e in enumerate(record.http):
        if e["listener"] != "direct" or e["arrival"] is None:
            continue
        if (link := by_port.get(_port(e["peer"]))) is not None:
            found[i] = link
        elif not str(e["peer"]).startswith(("127.", "[::1]")):
            translated.append(i)
    free = [link for link in links if link not in found.values() and link["exchanges"]]
    for i in sorted(translated, key=lambda i: record.http[i]["arrival"]):
        arrival = record.http[i]["arrival"]
        before = [
            link for link in free
            if link["exchanges"][0][0] is not None
            and 0 <= arrival - link["exchanges"][0][0] <= PAIRING_S
        ]  # fmt: skip
        if before:
            link = max(before, key=lambda link: link["exchanges"][0][0])
            found[i] = link
            free.remove(link)
    return found


EXTRA_PREFIX = "grader_extra_"  # the name of every extra proxy (lab.grading.context)


def extra_links(record: Record) -> list[dict[str, Any]]:
    """The connections through the grader's extra proxies (on the lab's own Toxiproxy, or
    on the grader's)."""
    return [
        link
        for link in record.links + record.side_links
        if str(link["proxy"]).startswith(EXTRA_PREFIX)
    ]


def _answered_or_left(link: dict) -> float | None:
    """When a grader's extra proxy's client had its answer, or left without it."""
    answers = [a for _, a in link["exchanges"] if a is not None]
    left = link["client_left"] if link["client_left"] is not None else link["closed"]
    if left is not None and (not answers or left < answers[-1]):
        return left
    return answers[-1] if answers else left


def dns_lanes(record: Record, names: Iterable[str]) -> list[Lane]:
    """The look-ups of ``names`` the DNS server saw."""
    wanted = {n.lower().rstrip(".") for n in names}
    lanes = [
        Lane(e["name"], e["arrival"], e["sent"], "dns")
        for e in record.dns
        if e["name"] in wanted and e["arrival"] is not None
    ]
    return sorted(lanes, key=lambda lane: lane.start)


def around(record: Record, paths: Iterable[str]) -> list[dict[str, Any]]:
    """Requests for ``paths`` that skipped the latency: on httpbin's own port (not from a
    grader's extra proxy), or on its port behind the proxy from someone else than the proxy
    (httpbin refused them: in the embedded lab it asks the proxy whose each connection is;
    under Docker that port is not published at all)."""
    wanted = set(paths)
    side = through_extra(record)
    return [
        e
        for i, e in enumerate(record.http)
        if e["path"] in wanted
        and (
            (e["listener"] == "direct" and i not in side)
            or (e["listener"] == "upstream" and e["refused"])
        )
    ]


def asked(record: Record, paths: Iterable[str]) -> set[str]:
    """Which of ``paths`` reached httpbin through a proxy."""
    return {lane.label for lane in http_lanes(record, paths, Delivery())}


# -- everything the grader saw of one run ----------------------------------------------------
@dataclass
class Seen:
    """What the grader saw of one run, for a check's ``verify``: the channel's calls (the
    learner's process's markers, stamped by the grader), the lab's records, how the lab's
    proxy delays answers, the process at the end of each call, and what the check's own
    ``drive`` measured."""

    calls: Any  # lab.grading.events.Calls
    record: Record | None = None  # None: the exercise needs no lab
    delivery: Delivery = field(default_factory=Delivery)
    at_end: dict[str, Any] = field(default_factory=dict)  # span -> lab.grading.process.AtEnd
    driven: Any = None

    def span(self, name: str = "call") -> Any:
        """The timed call ``name`` (lab.grading.events.Span), which must have ended."""
        from lab.grading.contract import GradeFailure
        from lab.i18n import t

        found = self.calls.spans.get(name)
        if found is None or found.end is None:
            raise GradeFailure(t("joined.no_markers"))
        return found

    def http(self, paths: Iterable[str]) -> list[Lane]:
        return http_lanes(self.record or Record(), paths, self.delivery)

    def dns(self, names: Iterable[str]) -> list[Lane]:
        return dns_lanes(self.record or Record(), names)

    @property
    def links(self) -> list[dict[str, Any]]:
        """Every client connection the proxies recorded (the lab's, where it keeps a record,
        and the grader's extra proxies')."""
        record = self.record or Record()
        return record.links + record.side_links
