"""Does each service really answer? One check per service, the same for every backend.

- toxiproxy: ``GET /version`` on its API;
- httpbin: ``GET /get`` directly *and* through the ``httpbin`` proxy (what learners use);
- dns: a real query with dnslib, and the delay control API's ``GET /health``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from dnslib import RCODE, DNSRecord

from lab.config import LabConfig

SERVICES = ("toxiproxy", "httpbin", "dns")
PROBE_NAME = "httpbin.lab.test"  # a name the lab's zone serves


@dataclass
class Check:
    """The answer of one service: whether it answered, and what it said (or what failed)."""

    answers: bool
    detail: str


def check_toxiproxy(cfg: LabConfig, timeout: float = 2.0) -> Check:
    try:
        r = requests.get(f"{cfg.toxiproxy_url}/version", timeout=timeout)
        r.raise_for_status()
        return Check(True, f"version {r.json()['version']}")
    except (requests.RequestException, ValueError, KeyError) as e:
        return Check(False, f"/version: {_short(e)}")


def check_httpbin(cfg: LabConfig, timeout: float = 10.0) -> Check:
    parts, ok = [], True
    for label, base in (("direct", cfg.httpbin_direct_url), ("via proxy", cfg.httpbin_url)):
        t0 = time.perf_counter()
        try:
            requests.get(f"{base}/get", timeout=timeout).raise_for_status()
            parts.append(f"{label} {1000 * (time.perf_counter() - t0):.0f} ms")
        except requests.RequestException as e:
            ok = False
            parts.append(f"{label}: {_short(e)}")
    return Check(ok, ", ".join(parts))


def check_dns(cfg: LabConfig, timeout: float = 10.0) -> Check:
    # The control API first: TCP fails fast when nothing listens, while a UDP query to a
    # closed port would only time out.
    try:
        requests.get(f"{cfg.dns_control_url}/health", timeout=2).raise_for_status()
    except requests.RequestException as e:
        return Check(False, f"control API: {_short(e)}")
    t0 = time.perf_counter()
    try:
        reply = DNSRecord.parse(
            DNSRecord.question(PROBE_NAME).send(cfg.host, cfg.dns_port, timeout=timeout)
        )
    except Exception as e:  # socket timeouts, refused, unparsable replies: all mean "no answer"
        return Check(False, f"query {PROBE_NAME}: {_short(e)}")
    ms = 1000 * (time.perf_counter() - t0)
    return Check(True, f"{PROBE_NAME} {RCODE[reply.header.rcode]} in {ms:.0f} ms")


CHECKS: dict[str, Callable[[LabConfig], Check]] = {
    "toxiproxy": check_toxiproxy,
    "httpbin": check_httpbin,
    "dns": check_dns,
}


def probe(cfg: LabConfig, names: tuple[str, ...] = SERVICES) -> dict[str, Check]:
    """Check several services at once (in threads: each may wait for the lab's latency)."""
    with ThreadPoolExecutor(len(names)) as pool:
        futures = {name: pool.submit(CHECKS[name], cfg) for name in names}
        return {name: f.result() for name, f in futures.items()}


def _short(e: Exception) -> str:
    """A one-line reason, without requests' nested exception reprs."""
    if isinstance(e, requests.ConnectionError):
        return "connection refused or reset"
    if isinstance(e, requests.Timeout):
        return "timed out"
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
