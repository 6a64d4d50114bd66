"""What a grading spec's ``setup`` and ``verify`` get: the lab, a seeded RNG, and knobs.

``GradeContext`` runs in the grader's own process (never in the learner's subprocess). It
drives the latency proxy through the real toxiproxy-python client and the DNS server through
its control API, and it remembers what it changed so that the harness can put the lab back
the way the learner left it (``snapshot()`` before an exercise, ``restore()`` after).

API for specs (helpers 4 and 5 both code against it):

- ``ctx.cfg``: the ``LabConfig`` being graded against; ``ctx.rng``: ``random.Random`` seeded
  from ``ctx.seed`` (printed so that a run can be repeated with ``--seed``) and the exercise.
- ``ctx.httpbin_url`` (through the proxy) and ``ctx.httpbin_direct_url`` (no proxy).
- ``ctx.set_latency(ms, jitter=0, proxy="httpbin")``: that proxy's toxics become exactly one
  downstream latency toxic (none when ``ms == 0``).
- ``ctx.add_toxic(type, attributes, proxy="httpbin", stream="downstream", name=None)`` ->
  the toxic's name; ``ctx.clear_toxics(proxy="httpbin")``.
- ``ctx.set_dns_delay(ms)``: how long the DNS server waits before each answer.
- ``ctx.make_proxy(upstream, latency_ms=0)`` -> ``"127.0.0.1:PORT"``: a temporary extra
  proxy (removed by ``restore()``), e.g. in front of a learner's server. It lives on the
  grader's own Toxiproxy (``side_proxy``), which reaches this machine's addresses whichever
  backend runs the lab.
- ``ctx.zone()`` -> ``{name: {"A": [...], "AAAA": [...]}}``, names without the final dot.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path

import requests
from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer
from toxiproxy.proxy import Proxy

from lab.config import ZONE_FILE, LabConfig
from tests.grader import side_proxy

# Control-API calls are local and tiny; anything slower means the lab is wedged.
API_TIMEOUT = 5.0

_proxy_ids = itertools.count(1)


class LabUnavailable(RuntimeError):
    """The lab does not answer (the message says which service and what to do)."""


@dataclass
class GradeContext:
    """One grading session's view of the lab (see the module docstring for the API)."""

    cfg: LabConfig
    seed: int
    stem: str = ""  # the exercise: each gets its own RNG stream, the same with --ex or not
    rng: random.Random = field(init=False)
    _extra_proxies: list[str] = field(default_factory=list, init=False)
    _snapshot: dict | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.stem}")

    def _toxiproxy(self, api: tuple[str, int] | None = None) -> Toxiproxy:
        """The client, aimed at this lab's API (or ``api``). toxiproxy-python keeps its
        endpoint in class attributes, so it is set before every use (tests hold contexts of
        several labs)."""
        APIConsumer.host, APIConsumer.port = api or (self.cfg.host, self.cfg.toxiproxy_port)
        return Toxiproxy()

    # -- addresses ------------------------------------------------------------------------
    @property
    def httpbin_url(self) -> str:
        return self.cfg.httpbin_url

    @property
    def httpbin_direct_url(self) -> str:
        return self.cfg.httpbin_direct_url

    # -- toxics ---------------------------------------------------------------------------
    def _proxy(self, name: str) -> Proxy:
        api = side_proxy.address() if name in self._extra_proxies else None
        proxy = self._toxiproxy(api).get_proxy(name)
        if proxy is None:
            raise LabUnavailable(f"the latency proxy has no proxy named {name!r}")
        return proxy

    def clear_toxics(self, proxy: str = "httpbin") -> None:
        """Remove every toxic of ``proxy``."""
        p = self._proxy(proxy)
        for toxic_name in p.toxics():
            p.destroy_toxic(toxic_name)

    def add_toxic(
        self,
        type: str,
        attributes: dict,
        proxy: str = "httpbin",
        stream: str = "downstream",
        name: str | None = None,
        toxicity: float = 1.0,
    ) -> str:
        """Add one toxic to ``proxy``; returns its name."""
        name = name or f"grader_{type}_{stream}"
        self._proxy(proxy).add_toxic(
            type=type, stream=stream, name=name, toxicity=toxicity, attributes=attributes
        )
        return name

    def set_latency(self, ms: int, jitter: int = 0, proxy: str = "httpbin") -> None:
        """Make ``proxy``'s toxics exactly one downstream latency of ``ms`` (± ``jitter``)."""
        self.clear_toxics(proxy)
        if ms > 0 or jitter > 0:
            self.add_toxic("latency", {"latency": int(ms), "jitter": int(jitter)}, proxy=proxy)

    def make_proxy(self, upstream: str, latency_ms: int = 0) -> str:
        """A temporary proxy in front of ``upstream`` ("host:port") on a port the server
        picks; returns its listen address. ``restore()`` deletes it."""
        name = f"grader_extra_{next(_proxy_ids)}"
        proxy = self._toxiproxy(side_proxy.address()).create(
            upstream=upstream, name=name, listen="127.0.0.1:0"
        )
        self._extra_proxies.append(name)
        if latency_ms:
            self.set_latency(latency_ms, proxy=name)
        return proxy.listen

    # -- DNS --------------------------------------------------------------------------------
    def dns_delay(self) -> int:
        r = requests.get(f"{self.cfg.dns_control_url}/delay", timeout=API_TIMEOUT)
        r.raise_for_status()
        return int(r.json()["delay_ms"])

    def set_dns_delay(self, ms: int) -> None:
        """How long the DNS server waits before each answer from now on."""
        r = requests.put(
            f"{self.cfg.dns_control_url}/delay", json={"delay_ms": int(ms)}, timeout=API_TIMEOUT
        )
        r.raise_for_status()

    def zone(self) -> dict[str, dict[str, list[str]]]:
        """The names the DNS server answers: from its ``GET /zone`` when it has one, else
        parsed from the zone file it serves."""
        try:
            r = requests.get(f"{self.cfg.dns_control_url}/zone", timeout=API_TIMEOUT)
            if r.ok:  # {"names": {name: {"A": [...], "AAAA": [...]}}}
                names = r.json()["names"]
                return {name.rstrip("."): recs for name, recs in names.items()}
        except (requests.RequestException, ValueError, KeyError, AttributeError):
            pass
        return parse_zone(ZONE_FILE)

    # -- snapshot / restore (the harness calls these around each exercise) ----------------
    def snapshot(self) -> None:
        """Remember every proxy's toxics and the DNS delay, to put them back later."""
        proxies = {}
        for name, proxy in self._toxiproxy().proxies().items():
            proxies[name] = [
                {
                    "type": t.type,
                    "stream": t.stream,
                    "name": t.name,
                    "toxicity": t.toxicity,
                    "attributes": t.attributes,
                }
                for t in proxy.toxics().values()
            ]
        self._snapshot = {"toxics": proxies, "dns_delay": self.dns_delay()}

    def restore(self) -> None:
        """Undo this exercise's changes: extra proxies, toxics, DNS delay."""
        while self._extra_proxies:
            name = self._extra_proxies[-1]
            proxy = self._toxiproxy(side_proxy.address()).get_proxy(name)
            self._extra_proxies.pop()
            if proxy is not None:
                proxy.destroy()
        if self._snapshot is None:
            return
        for name, toxics in self._snapshot["toxics"].items():
            self.clear_toxics(name)
            proxy = self._proxy(name)
            for toxic in toxics:
                proxy.add_toxic(**toxic)
        self.set_dns_delay(self._snapshot["dns_delay"])
        self._snapshot = None


def parse_zone(path: Path = ZONE_FILE) -> dict[str, dict[str, list[str]]]:
    """A BIND zone file as ``{name: {"A": [...], "AAAA": [...]}}`` (read with dnslib)."""
    from dnslib import QTYPE, RR

    zone: dict[str, dict[str, list[str]]] = {}
    for rr in RR.fromZone(Path(path).read_text()):
        rtype = QTYPE[rr.rtype]
        if rtype in ("A", "AAAA"):
            records = zone.setdefault(str(rr.rname).rstrip("."), {"A": [], "AAAA": []})
            records[rtype].append(str(rr.rdata))
    return zone


def check_lab(cfg: LabConfig) -> list[str]:
    """What does not answer in the lab described by ``cfg`` (empty list: all is well)."""
    probes = {
        "Toxiproxy API": f"{cfg.toxiproxy_url}/version",
        "httpbin": f"{cfg.httpbin_direct_url}/get",
        "DNS control": f"{cfg.dns_control_url}/health",
    }
    missing = []
    for label, url in probes.items():
        try:
            requests.get(url, timeout=2).raise_for_status()
        except requests.RequestException:
            missing.append(f"{label} ({url})")
    if not missing:
        try:
            r = requests.get(f"{cfg.toxiproxy_url}/proxies", timeout=2)
            if "httpbin" not in r.json():
                missing.append("the Toxiproxy proxy named 'httpbin'")
        except (requests.RequestException, ValueError):
            missing.append("Toxiproxy's proxy list")
    return missing
