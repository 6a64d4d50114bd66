"""What a check's ``setup`` and ``verify`` get: the lab, a seeded RNG, and knobs.

``GradeContext`` runs in the grader's own process (never in the learner's subprocess). It
drives the lab through its one control client (lab.control: toxiproxy-python for the proxy,
the DNS control API for the delay), and remembers what it changed so that the engine can
put the lab back the way the learner left it (``snapshot()`` before, ``restore()`` after).

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
  lab's own Toxiproxy when the lab runs on this machine (the embedded lab), else on the
  grader's own (``side_proxy``), which reaches this machine's addresses under Docker too.
- ``ctx.zone()`` -> ``{name: {"A": [...], "AAAA": [...]}}``, names without the final dot.
- ``ctx.prefetch(paths, ask)``: ``ask(path)`` for each path, now, in the background (httpbin's
  own answers: lab.checks._common.prefetch and served); ``ctx.answers(paths)`` waits for
  them. The engine waits for them too (``settle()``) before it marks the lab's records, so
  that they are never part of the run's.
"""

from __future__ import annotations

import itertools
import random
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from lab import lifecycle
from lab.config import LabConfig
from lab.control import HTTPBIN_PROXY, LATENCY_TOXIC, LabControl, ToxicSpec, Zone
from lab.grading import repair, side_proxy
from lab.grading.evidence import EXTRA_PREFIX

_proxy_ids = itertools.count(1)


@dataclass
class _Snapshot:
    toxics: dict[str, list[ToxicSpec]]
    dns_delay: int


@dataclass
class GradeContext:
    """One exercise's view of the lab (see the module docstring)."""

    cfg: LabConfig
    seed: int
    stem: str = ""  # the exercise: each gets its own RNG stream, whichever are graded
    rng: random.Random = field(init=False)
    _extra_proxies: list[str] = field(default_factory=list, init=False)
    _extra_ports: list[int] = field(default_factory=list, init=False)
    _snapshot: _Snapshot | None = field(default=None, init=False)
    # The lab as this grading means it to be: the snapshot, with every change made through
    # this context applied (the learner's process runs while setup does: see as_set()).
    _meant: _Snapshot | None = field(default=None, init=False)
    _references: dict[str, Future] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.stem}")

    @property
    def lab(self) -> LabControl:
        return LabControl(self.cfg)

    def _control(self, proxy: str) -> LabControl:
        """The control client of the server that holds ``proxy``."""
        if proxy in self._extra_proxies:
            return self._extras_server()
        return self.lab

    @property
    def extras_on_lab(self) -> bool:
        """Extra proxies live on the lab's own Toxiproxy when it runs on this machine (the
        embedded lab): it reaches this machine's addresses and keeps their connections'
        record. Under Docker they need the grader's own (side_proxy)."""
        return self.cfg.backend == "local" or lifecycle.active(self.cfg)[1] == "local"

    def _extras_server(self) -> LabControl:
        return self.lab if self.extras_on_lab else LabControl(self.cfg, api=side_proxy.address())

    # -- httpbin's own answers, the references ------------------------------------------
    def prefetch(self, paths: list[str], ask: Any) -> None:
        """Start ``ask(path)`` for each of ``paths`` not asked yet, 8 at a time: httpbin's
        own answers fetched while the learner's process imports, not after its run."""
        todo = [p for p in dict.fromkeys(paths) if p not in self._references]
        if not todo:
            return
        pool = ThreadPoolExecutor(min(8, len(todo)), thread_name_prefix="grader-references")
        self._references.update({p: pool.submit(ask, p) for p in todo})
        pool.shutdown(wait=False)

    def answers(self, paths: list[str]) -> dict[str, Any]:
        """``ask``'s answer for each of ``paths`` (prefetched), waiting for them; what an
        ``ask`` raised is raised here."""
        return {path: self._references[path].result() for path in paths}

    def settle(self) -> None:
        """Wait until every prefetch has its answer (before the run's records are marked)."""
        wait(list(self._references.values()))

    # -- addresses ------------------------------------------------------------------------
    @property
    def httpbin_url(self) -> str:
        return self.cfg.httpbin_url

    @property
    def httpbin_direct_url(self) -> str:
        return self.cfg.httpbin_direct_url

    # -- toxics ---------------------------------------------------------------------------
    def clear_toxics(self, proxy: str = HTTPBIN_PROXY) -> None:
        """Remove every toxic of ``proxy``."""
        self._control(proxy).clear_toxics(proxy)
        self._mean(proxy, [])

    def add_toxic(
        self,
        type: str,
        attributes: dict,
        proxy: str = HTTPBIN_PROXY,
        stream: str = "downstream",
        name: str | None = None,
        toxicity: float = 1.0,
    ) -> str:
        """Add one toxic to ``proxy``; returns its name."""
        name = name or f"grader_{type}_{stream}"
        spec = ToxicSpec(type, stream, name, toxicity, attributes)
        self._control(proxy).add_toxic(proxy, spec)
        self._mean(proxy, [*self._meant_toxics(proxy), spec])
        return name

    def set_latency(self, ms: int, jitter: int = 0, proxy: str = HTTPBIN_PROXY) -> None:
        """Make ``proxy``'s toxics exactly one downstream latency of ``ms`` (± ``jitter``)."""
        self._control(proxy).set_latency(int(ms), int(jitter), proxy=proxy, keep_others=False)
        latency = {"latency": int(ms), "jitter": int(jitter)}
        self._mean(proxy, [ToxicSpec("latency", "downstream", LATENCY_TOXIC, 1.0, latency)]
                   if ms > 0 or jitter > 0 else [])  # fmt: skip

    def side_api(self) -> str | None:
        """The URL of the grader's own Toxiproxy's API, when this exercise made a proxy
        there (not on the lab's own)."""
        if not self._extra_proxies or self.extras_on_lab:
            return None
        host, port = side_proxy.address()
        return f"http://{host}:{port}"

    def extra_ports(self) -> set[int]:
        """The ports the extra proxies listen on."""
        return set(self._extra_ports)

    def make_proxy(self, upstream: str, latency_ms: int = 0) -> str:
        """A temporary proxy in front of ``upstream`` ("host:port") on a port the server
        picks; returns its listen address. ``restore()`` deletes it."""
        name = f"{EXTRA_PREFIX}{next(_proxy_ids)}"
        listen = self._extras_server().create_proxy(name, upstream)
        self._extra_proxies.append(name)
        self._extra_ports.append(int(listen.rpartition(":")[2]))
        self._mean(name, [])
        if latency_ms:
            self.set_latency(latency_ms, proxy=name)
        return listen

    # -- DNS --------------------------------------------------------------------------------
    def dns_delay(self) -> int:
        return self.lab.dns_delay()

    def set_dns_delay(self, ms: int) -> None:
        """How long the DNS server waits before each answer from now on."""
        self.lab.set_dns_delay(ms)
        if self._meant is not None:
            self._meant.dns_delay = int(ms)

    def zone(self) -> Zone:
        """The names the DNS server answers."""
        return self.lab.zone()

    # -- what the grader set must stay set while the learner's code runs ----------------
    def settings(self) -> dict:
        """Every proxy's toxics and the DNS delay, extra proxies included, comparable with
        ``==``: the engine takes this after ``setup`` and again after the run."""
        toxics = self.lab.snapshot_toxics()
        if self._extra_proxies and not self.extras_on_lab:
            side = self._extras_server().snapshot_toxics()
            toxics.update({n: side.get(n, []) for n in self._extra_proxies})
        return {"toxics": toxics, "dns_delay": self.lab.dns_delay()}

    def as_set(self) -> dict:
        """The lab as the grading set it (``settings()``'s form): the snapshot, with every
        change made through this context. The learner's process starts while setup runs:
        what it changed meanwhile shows as a difference from this."""
        assert self._meant is not None, "snapshot() first"
        return {"toxics": dict(self._meant.toxics), "dns_delay": self._meant.dns_delay}

    def _meant_toxics(self, proxy: str) -> list[ToxicSpec]:
        return list(self._meant.toxics.get(proxy, [])) if self._meant is not None else []

    def _mean(self, proxy: str, toxics: list[ToxicSpec]) -> None:
        if self._meant is not None:
            self._meant.toxics[proxy] = toxics

    # -- snapshot / restore (the engine calls these around each exercise) -----------------
    def snapshot(self) -> None:
        """Remember every proxy's toxics and the DNS delay, to put them back later (before
        the learner's process starts)."""
        self._snapshot = _Snapshot(self.lab.snapshot_toxics(), self.lab.dns_delay())
        self._meant = _Snapshot(dict(self._snapshot.toxics), self._snapshot.dns_delay)
        repair.save_settings(self.cfg, self._snapshot.toxics, self._snapshot.dns_delay)

    def restore(self) -> None:
        """Undo this exercise's changes: extra proxies, toxics, DNS delay."""
        server = self._extras_server() if self._extra_proxies else None
        while self._extra_proxies:
            name = self._extra_proxies.pop()
            if server is not None:
                server.delete_proxy(name)
        if self._snapshot is None:
            return
        self.lab.restore_toxics(self._snapshot.toxics)
        self.lab.set_dns_delay(self._snapshot.dns_delay)
        self._snapshot = None
        repair.settings_restored(self.cfg)
