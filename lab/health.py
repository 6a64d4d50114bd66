"""Does each service really answer? One check per service, the same for every backend.

- toxiproxy: ``GET /version`` on its API;
- httpbin: ``GET /get`` directly, then through the ``httpbin`` proxy (what learners use);
- dns: the delay control API's ``GET /delay``, then a real query with dnslib.

Every probe gives up after ``PROBE_TIMEOUT_S`` (plus the latency the lab itself injects, for
the requests that go through it), and ``probe`` runs the checks in parallel: a stopped
service costs about two seconds, and is named. ``wait_answering`` is the one wait loop of
both backends' ``up``.

``stalls(cfg, since)`` reads each service's liveness record (``GET /lab/heartbeat``, see
``services/serve.py``): how long, at most, each one stopped running since a moment, even
if it runs again now. The grader calls it after each exercise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from dnslib import RCODE, DNSRecord

from lab import wait
from lab.config import LabConfig
from lab.errors import LabError, log_excerpt
from lab.i18n import t

SERVICES = ("toxiproxy", "httpbin", "dns")
PROBE_NAME = "httpbin.lab.test"  # a name the lab's zone serves
PROBE_TIMEOUT_S = 2.0
HEARTBEAT_PATH = "/lab/heartbeat"  # services.serve.HEARTBEAT_PATH (which imports gevent)


@dataclass
class Check:
    """The answer of one service: whether it answered, and what it said (or what failed)."""

    answers: bool
    detail: str


def check_toxiproxy(cfg: LabConfig, timeout: float = PROBE_TIMEOUT_S) -> Check:
    try:
        r = requests.get(f"{cfg.toxiproxy_url}/version", timeout=timeout)
        r.raise_for_status()
        return Check(True, t("health.version", version=r.json()["version"]))
    except (requests.RequestException, ValueError, KeyError) as e:
        return Check(False, f"/version: {_short(e)}")


def check_httpbin(cfg: LabConfig, timeout: float = PROBE_TIMEOUT_S) -> Check:
    parts: list[str] = []
    for via_proxy, base in ((False, cfg.httpbin_direct_url), (True, cfg.httpbin_url)):
        label = t("health.via_proxy") if via_proxy else t("health.direct")
        wait = timeout
        if via_proxy:
            latency_s = _http_latency_s(cfg, timeout)
            if latency_s is None:
                return Check(False, ", ".join([*parts, t("health.proxy_api_silent")]))
            wait += latency_s
        t0 = time.perf_counter()
        try:
            requests.get(f"{base}/get", timeout=wait).raise_for_status()
        except requests.RequestException as e:
            return Check(False, ", ".join([*parts, f"{label}: {_short(e)}"]))
        parts.append(f"{label} {1000 * (time.perf_counter() - t0):.0f} ms")
    return Check(True, ", ".join(parts))


def check_dns(cfg: LabConfig, timeout: float = PROBE_TIMEOUT_S) -> Check:
    # The control API first: TCP fails fast when nothing listens, while a UDP query to a
    # closed port would only time out. It also says how long answers are delayed.
    try:
        r = requests.get(f"{cfg.dns_control_url}/delay", timeout=timeout)
        r.raise_for_status()
        delay_s = int(r.json()["delay_ms"]) / 1000
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        return Check(False, f"{t('health.control_api')}: {_short(e)}")
    t0 = time.perf_counter()
    try:
        query = DNSRecord.question(PROBE_NAME)
        reply = DNSRecord.parse(query.send(cfg.host, cfg.dns_port, timeout=timeout + delay_s))
    except Exception as e:  # socket timeouts, refused, unparsable replies: all mean "no answer"
        return Check(False, f"{t('health.query', name=PROBE_NAME)}: {_short(e)}")
    ms = 1000 * (time.perf_counter() - t0)
    return Check(
        True, t("health.dns_answer", name=PROBE_NAME, rcode=RCODE[reply.header.rcode], ms=ms)
    )


CHECKS: dict[str, Callable[[LabConfig], Check]] = {
    "toxiproxy": check_toxiproxy,
    "httpbin": check_httpbin,
    "dns": check_dns,
}


def probe(cfg: LabConfig, names: tuple[str, ...] | list[str] = SERVICES) -> dict[str, Check]:
    """Check several services at once (in threads), each within its own timeout."""
    with ThreadPoolExecutor(max(1, len(names))) as pool:
        futures = {name: pool.submit(CHECKS[name], cfg) for name in names}
        return {name: f.result() for name, f in futures.items()}


def stalls(cfg: LabConfig, since: float, timeout: float = PROBE_TIMEOUT_S) -> dict[str, float]:
    """Each service's longest stall since wall time ``since`` (``time.time()``), in seconds:
    ``{"toxiproxy": 0.1, "httpbin": 3.02, "dns": 0.1}``. About 0.1 (the heartbeat's
    interval) or less means it ran all along; gaps under 0.15 s are not kept.

    ``math.inf`` when a service did not answer within ``timeout`` (dead, or stalled right
    now), or answered that it started after ``since`` (it was restarted: what happened
    before is unknown; so call this with a ``since`` at which the lab already ran). The
    three are asked at once: the answer comes within ``timeout`` seconds or a little more.

    Toxiproxy's official image (Docker backend) has no heartbeat (a 404): its value is then
    how long ``GET /version`` took to answer now, which shows a stall only while it lasts.
    """
    bases = {
        "toxiproxy": cfg.toxiproxy_url,
        "httpbin": cfg.httpbin_direct_url,
        "dns": cfg.dns_control_url,
    }
    with ThreadPoolExecutor(len(bases)) as pool:
        futures = {
            name: pool.submit(_stall, name, base, since, timeout) for name, base in bases.items()
        }
        return {name: f.result() for name, f in futures.items()}


def _stall(name: str, base: str, since: float, timeout: float) -> float:
    try:
        r = requests.get(base + HEARTBEAT_PATH, params={"since": repr(since)}, timeout=timeout)
        if r.status_code == 404 and name == "toxiproxy":  # the official image
            t0 = time.monotonic()
            requests.get(f"{base}/version", timeout=timeout).raise_for_status()
            return time.monotonic() - t0
        r.raise_for_status()
        body = r.json()
        gap, started = float(body["gap"]), float(body["started"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return math.inf
    return math.inf if started > since else gap


@dataclass
class Watch:
    """What ``wait_answering`` needs from a backend about each service while it waits.

    ``trouble(name)`` says why the service cannot answer (e.g. "exited while starting",
    "is stopped (SIGSTOP)"), or None; ``log_lines(name)`` gives the last lines of its log;
    ``log_hint(name)`` says where to read the whole log.
    """

    trouble: Callable[[str], str | None]
    log_lines: Callable[[str], list[str]]
    log_hint: Callable[[str], str]
    what: str = "service"  # "service" or "container": err.service_trouble, err.container_trouble


def silent(cfg: LabConfig, timeout: float = PROBE_TIMEOUT_S) -> list[str]:
    """The lab's control points that do not answer right now: a cheap check (no latency
    involved; httpbin's /lab/health is never recorded), e.g. before grading an exercise."""
    probes = {
        t("err.api.toxiproxy"): f"{cfg.toxiproxy_url}/version",
        "httpbin": f"{cfg.httpbin_direct_url}/lab/health",
        t("err.api.dns_control"): f"{cfg.dns_control_url}/delay",
    }
    silent = []
    for name, url in probes.items():
        try:
            requests.get(url, timeout=timeout).raise_for_status()
        except requests.RequestException as e:
            silent.append(t("health.silent_at", name=name, url=url, why=_short(e)))
    return silent


def wait_answering(cfg: LabConfig, names: list[str], timeout: float, watch: Watch) -> None:
    """Probe ``names`` (in parallel) until each answers; a LabError naming the first service
    in trouble, or every one still silent after ``timeout`` seconds."""
    pending = list(names)
    checks: dict[str, Check] = {}

    def all_answer() -> bool:
        for name in pending:
            why = watch.trouble(name)
            if why:
                raise _service_error(
                    name, t(f"err.{watch.what}_trouble", name=name, why=why), watch
                )
        checks.update(probe(cfg, pending))
        pending[:] = [name for name in pending if not checks[name].answers]
        return not pending

    if not wait.until(all_answer, timeout, interval=0.1):
        silent = ", ".join(f"{n} ({checks[n].detail})" for n in pending)
        raise _service_error(
            pending[0], t("err.not_answering_after", seconds=timeout, silent=silent), watch
        )


def _service_error(name: str, message: str, watch: Watch) -> LabError:
    return LabError(message + log_excerpt(watch.log_lines(name)), watch.log_hint(name))


def _http_latency_s(cfg: LabConfig, timeout: float) -> float | None:
    """The latency the ``httpbin`` proxy adds now (its latency toxics; the config's if the
    proxy is unknown); None when the Toxiproxy API does not answer."""
    try:
        r = requests.get(f"{cfg.toxiproxy_url}/proxies/httpbin/toxics", timeout=timeout)
    except requests.RequestException:
        return None
    try:
        toxics = r.json()
        ms = sum(
            int(t["attributes"].get("latency", 0)) + int(t["attributes"].get("jitter", 0))
            for t in toxics
            if t.get("type") == "latency"
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        ms = cfg.latency_ms
    return ms / 1000


def _short(e: Exception) -> str:
    """A one-line reason, without requests' nested exception reprs."""
    if isinstance(e, requests.ConnectionError) and "timed out" in str(e).lower():
        return t("health.timed_out")
    if isinstance(e, requests.ConnectionError):
        return t("health.refused")
    if isinstance(e, requests.Timeout):
        return t("health.timed_out")
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
