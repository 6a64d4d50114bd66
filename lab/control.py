"""The one client for a running lab: its proxies and toxics, its DNS delay, its names.

Used by the command line (``gevent-lab latency``, ``status``), the lifecycle (applying
``LAB_LATENCY_MS``) and the grader (injecting latency, snapshot and restore), the same for
both backends:

- Toxiproxy through the real toxiproxy-python client (``toxiproxy_at``), plus the two calls
  it lacks: ``GET /proxies`` with the toxics, and ``POST /populate``;
- the DNS server's delay and zone through its control API (``services.dns.control``).

Errors the learner can fix come out as ``LabError`` (a sentence and a next step).

Every call has a deadline (``API_TIMEOUT``), toxiproxy-python's included: it calls
``requests`` without a timeout, so a stopped Toxiproxy would hang its caller until the server
resumed. Importing this module points the ``requests`` that toxiproxy-python's
``APIConsumer`` calls at ``Deadline``, the same functions with a default timeout (the
library itself is unchanged). A service that does not answer in time is a LabError naming
it, its address and the call (``err.api_timeout``). Such a call may still take effect when
a stopped service resumes: its request waits in the service's socket.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import toxiproxy.api
import toxiproxy.server
from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer
from toxiproxy.proxy import Proxy

from lab.config import MAX_LATENCY_MS, ZONE_FILE, LabConfig
from lab.errors import LabError
from lab.i18n import has, t
from services.dns import control as dns_control

HTTPBIN_PROXY = "httpbin"  # the proxy learners' code talks to
LATENCY_TOXIC = "latency_downstream"  # Toxiproxy's default name for a downstream latency

API_TIMEOUT = 5.0  # control calls are local and tiny: slower means the lab is wedged

Zone = dict[str, dict[str, list[str]]]  # name -> {"A": [...], "AAAA": [...]}


class Deadline:
    """What toxiproxy-python calls as ``requests`` (``get``, ``post``, ``delete``), each
    with a ``timeout`` of ``seconds`` unless the caller gives one. No session: like
    ``requests.get``, every call has its own connection, shared with no other thread."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def request(self, method: str, url: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", self.seconds)
        return requests.request(method, url, **kw)

    def get(self, url: str, params: Any = None, **kw: Any) -> requests.Response:
        return self.request("GET", url, params=params, **kw)

    def post(self, url: str, data: Any = None, json: Any = None, **kw: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kw)

    def delete(self, url: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", url, **kw)


def _can_connect_to(host: str, port: int) -> bool:
    """toxiproxy-python's ``Toxiproxy.running()`` check, with a deadline."""
    try:
        with socket.create_connection((host, port), timeout=API_TIMEOUT):
            return True
    except OSError:
        return False


toxiproxy.api.requests = Deadline(API_TIMEOUT)
toxiproxy.server.can_connect_to = _can_connect_to


@contextmanager
def toxiproxy_at(cfg: LabConfig) -> Iterator[Toxiproxy]:
    """A toxiproxy-python client aimed at ``cfg``'s API; the previous endpoint is restored."""
    with toxiproxy_api(cfg.host, cfg.toxiproxy_port) as tp:
        yield tp


@contextmanager
def toxiproxy_api(host: str, port: int) -> Iterator[Toxiproxy]:
    """A toxiproxy-python client aimed at ``host:port``; the previous endpoint is restored.

    toxiproxy-python keeps its endpoint in class attributes of ``APIConsumer`` (one global
    endpoint), so code that talks to several servers must set them around every use.
    """
    saved = APIConsumer.host, APIConsumer.port
    APIConsumer.host, APIConsumer.port = host, port
    try:
        yield Toxiproxy()
    finally:
        APIConsumer.host, APIConsumer.port = saved


@dataclass(frozen=True)
class ToxicSpec:
    """One toxic as the API describes it: enough to create it again."""

    type: str
    stream: str
    name: str
    toxicity: float
    attributes: dict[str, Any]


class LabControl:
    """Controls one lab's Toxiproxy API (or another Toxiproxy-compatible server, ``api``)
    and DNS control API."""

    def __init__(self, cfg: LabConfig, api: tuple[str, int] | None = None):
        self.cfg = cfg
        self.api = api or (cfg.host, cfg.toxiproxy_port)

    @property
    def api_url(self) -> str:
        return f"http://{self.api[0]}:{self.api[1]}"

    # -- proxies ------------------------------------------------------------------------
    def proxy(self, name: str) -> Proxy:
        """The proxy called ``name``, or a LabError saying it is missing."""
        with self._client() as tp:
            found = tp.get_proxy(name)
        if found is None:
            raise LabError(t("err.no_proxy", url=self.api_url, name=name), t("err.no_proxy.hint"))
        return found

    def proxies(self) -> dict[str, dict[str, Any]]:
        """Every proxy with its toxics, as ``GET /proxies`` lists them.

        (toxiproxy-python's ``proxies()`` drops the toxics.)
        """
        return self._request("GET", "/proxies").json()

    def proxies_or_none(self) -> dict[str, dict[str, Any]] | None:
        """``proxies()``, or None when the API does not answer (for status displays)."""
        try:
            return self.proxies()
        except (LabError, ValueError):
            return None

    def create_proxy(self, name: str, upstream: str, listen: str = "127.0.0.1:0") -> str:
        """A new proxy; returns the address it listens on (the server picks port 0)."""
        with self._client() as tp:
            return tp.create(upstream=upstream, name=name, listen=listen).listen

    def delete_proxy(self, name: str) -> None:
        """Delete ``name`` if it exists."""
        with self._client() as tp:
            proxy = tp.get_proxy(name)
        if proxy is not None:
            with self._client():
                proxy.destroy()

    def populate(self, proxies: list[dict[str, Any]]) -> None:
        """``POST /populate``: creates missing proxies, keeps existing ones and their toxics.

        (toxiproxy-python's ``populate()`` re-creates proxies one by one instead.)
        """
        r = self._request("POST", "/populate", json=proxies, ok=())
        if r.status_code != 201:
            raise LabError(
                t("err.populate_refused", status=r.status_code, text=r.text.strip()),
                t("err.populate_refused.hint"),
            )

    # -- toxics -------------------------------------------------------------------------
    def toxics(self, proxy: str) -> list[ToxicSpec]:
        listed = self.proxies().get(proxy)
        if listed is None:
            self.proxy(proxy)  # raises the LabError that names it
            return []
        return [ToxicSpec(**{k: t[k] for k in ToxicSpec.__annotations__}) for t in listed["toxics"]]

    def add_toxic(self, proxy: str, toxic: ToxicSpec) -> None:
        p = self.proxy(proxy)
        with self._client():
            p.add_toxic(
                type=toxic.type,
                stream=toxic.stream,
                name=toxic.name,
                toxicity=toxic.toxicity,
                attributes=toxic.attributes,
            )

    def remove_toxic(self, proxy: str, name: str) -> None:
        """Remove the toxic ``name`` of ``proxy``; a LabError when it has none by that name."""
        p = self.proxy(proxy)
        with self._client():
            if name not in p.toxics():
                raise LabError(t("err.no_toxic", proxy=proxy, name=name))
            p.destroy_toxic(name)

    def set_enabled(self, proxy: str, enabled: bool) -> None:
        """Enable or disable ``proxy`` (a disabled proxy refuses connections)."""
        p = self.proxy(proxy)
        with self._client():
            if enabled:
                p.enable()
            else:
                p.disable()

    def clear_toxics(self, proxy: str, only_type: str | None = None) -> None:
        """Remove every toxic of ``proxy`` (or only those of ``only_type``)."""
        p = self.proxy(proxy)
        with self._client():
            for toxic in p.toxics().values():
                if only_type is None or toxic.type == only_type:
                    p.destroy_toxic(toxic.name)

    def set_latency(
        self, ms: int, jitter: int = 0, proxy: str = HTTPBIN_PROXY, keep_others: bool = True
    ) -> None:
        """Make ``proxy``'s latency one downstream toxic of ``ms`` ± ``jitter`` (none for 0).

        ``keep_others`` leaves its other toxics (bandwidth, slicer, ...) in place; the
        grader clears them so that an exercise runs under exactly what it set.
        """
        self.clear_toxics(proxy, only_type="latency" if keep_others else None)
        if ms > 0 or jitter > 0:
            spec = ToxicSpec(
                "latency", "downstream", LATENCY_TOXIC, 1.0, {"latency": ms, "jitter": jitter}
            )
            self.add_toxic(proxy, spec)

    def snapshot_toxics(self) -> dict[str, list[ToxicSpec]]:
        """Every proxy's toxics, to put back with ``restore_toxics``."""
        return {
            name: [ToxicSpec(**{k: t[k] for k in ToxicSpec.__annotations__}) for t in p["toxics"]]
            for name, p in self.proxies().items()
        }

    def restore_toxics(self, snapshot: dict[str, list[ToxicSpec]]) -> None:
        for name, toxics in snapshot.items():
            self.clear_toxics(name)
            for toxic in toxics:
                self.add_toxic(name, toxic)

    # -- DNS ----------------------------------------------------------------------------
    def dns_delay(self) -> int:
        """How long the DNS server waits before each answer, in ms."""
        return int(self._dns(dns_control.get_delay))

    def dns_delay_or_none(self) -> int | None:
        """``dns_delay()``, or None when the control API does not answer."""
        try:
            return self.dns_delay()
        except (LabError, ValueError, TypeError):
            return None

    def set_dns_delay(self, ms: int) -> None:
        self._dns(dns_control.set_delay, int(ms))

    def zone(self) -> Zone:
        """The names the DNS server answers: from its ``GET /zone``, else its zone file."""
        try:
            names = dns_control.zone(self.cfg.dns_control_url, timeout=API_TIMEOUT)
            return {name.rstrip("."): records for name, records in names.items()}
        except (dns_control.ControlError, AttributeError, KeyError):
            return parse_zone(ZONE_FILE)

    # -- plumbing -----------------------------------------------------------------------
    @contextmanager
    def _client(self) -> Iterator[Toxiproxy]:
        try:
            with toxiproxy_api(*self.api) as tp:
                yield tp
        except requests.Timeout as e:  # before ConnectionError: a ConnectTimeout is both
            raise self._timed_out(e) from None
        except requests.ConnectionError:
            raise not_running(self.api_url, t("err.api.toxiproxy")) from None

    def _timed_out(self, e: requests.Timeout) -> LabError:
        request = e.request
        call = f"{request.method} {urlsplit(request.url or '').path}" if request else "?"
        return timed_out(t("err.api.toxiproxy"), self.api_url, call)

    def _request(self, method: str, path: str, ok: tuple[int, ...] = (200,), **kw: Any):
        try:
            r = requests.request(method, self.api_url + path, timeout=API_TIMEOUT, **kw)
        except requests.Timeout:
            raise timed_out(t("err.api.toxiproxy"), self.api_url, f"{method} {path}") from None
        except requests.ConnectionError:
            raise not_running(self.api_url, t("err.api.toxiproxy")) from None
        if ok and r.status_code not in ok:
            raise LabError(
                t(
                    "err.api_status",
                    method=method,
                    path=path,
                    status=r.status_code,
                    text=r.text.strip(),
                )
            )
        return r

    def _dns(self, call, *args):
        url = self.cfg.dns_control_url
        try:
            return call(url, *args, timeout=API_TIMEOUT)
        except dns_control.ControlError as e:
            if e.timed_out:
                what = "PUT /delay" if call is dns_control.set_delay else "GET /delay"
                raise timed_out(t("err.api.dns_control"), url, what) from None
            if e.status == 0:
                raise not_running(url, t("err.api.dns_control")) from None
            raise LabError(t("err.dns_refused", error=e)) from None


def not_running(url: str, what: str) -> LabError:
    return LabError(t("err.not_running", url=url, what=what), t("err.not_running.hint"))


def timed_out(what: str, url: str, call: str) -> LabError:
    """The error for a service that accepted a call and did not answer it in time."""
    return LabError(
        t("err.api_timeout", what=what, url=url, call=call, seconds=API_TIMEOUT),
        t("err.api_timeout.hint"),
    )


def parse_ms(raw: str | int, what: str = "latency") -> int:
    """A whole number of milliseconds from 0 to MAX_LATENCY_MS, or a LabError saying why.

    ``what`` ("latency", "jitter") is said in the learner's language when the catalogue
    has it (``err.what.<what>``)."""
    said = t(f"err.what.{what}") if has(f"err.what.{what}") else what
    try:
        ms = int(raw)
    except (TypeError, ValueError):
        raise LabError(
            t("err.ms.not_integer", what=said, raw=raw), t("err.ms.not_integer.hint")
        ) from None
    if not 0 <= ms <= MAX_LATENCY_MS:
        raise LabError(
            t("err.ms.range", what=said, max=MAX_LATENCY_MS, ms=ms), t("cli.how_much_hint")
        )
    return ms


def parse_zone(path: Path = ZONE_FILE) -> Zone:
    """A BIND zone file as ``{name: {"A": [...], "AAAA": [...]}}`` (read with dnslib)."""
    from dnslib import QTYPE, RR

    zone: Zone = {}
    for rr in RR.fromZone(Path(path).read_text()):
        rtype = QTYPE[rr.rtype]
        if rtype in ("A", "AAAA"):
            records = zone.setdefault(str(rr.rname).rstrip("."), {"A": [], "AAAA": []})
            records[rtype].append(str(rr.rdata))
    return zone
