"""The lab's latency: a ``latency`` toxic on the ``httpbin`` proxy and the DNS answer delay.

Same calls for every backend: the Toxiproxy API (through toxiproxy-python) and the DNS
server's control API (through ``services.dns.control``).
"""

from __future__ import annotations

import requests

from lab.config import LabConfig
from lab.errors import LabError
from lab.toxiproxy_client import toxiproxy_at

PROXY = "httpbin"
TOXIC = "latency_downstream"  # Toxiproxy's default name for a downstream latency toxic
MAX_MS = 60_000  # the DNS server's limit too; more would only make every client time out


def parse_ms(raw: str, what: str = "latency") -> int:
    """A non-negative whole number of milliseconds, or a LabError saying what was wrong."""
    try:
        ms = int(raw)
    except (TypeError, ValueError):
        raise LabError(
            f"The {what} must be a whole number of milliseconds, not {raw!r}.",
            "For example: make latency MS=250",
        ) from None
    if ms < 0:
        raise LabError(
            f"The {what} cannot be negative ({ms} ms).",
            "Use 0 to remove it, e.g. make latency MS=0",
        )
    if ms > MAX_MS:
        raise LabError(
            f"The {what} cannot exceed {MAX_MS} ms (got {ms}).", "For example: make latency MS=250"
        )
    return ms


def set_http(cfg: LabConfig, ms: int, jitter: int = 0) -> None:
    """Replace every latency toxic on the ``httpbin`` proxy by one of ``ms`` (none if 0)."""
    try:
        with toxiproxy_at(cfg) as tp:
            proxy = tp.get_proxy(PROXY)
            if proxy is None:
                raise LabError(
                    f"The Toxiproxy server has no proxy named {PROXY!r}.",
                    "Run `make lab-up` again: it creates it.",
                )
            for toxic in proxy.toxics().values():
                if toxic.type == "latency":
                    proxy.destroy_toxic(toxic.name)
            if ms > 0:
                proxy.add_toxic(
                    name=TOXIC,
                    type="latency",
                    stream="downstream",
                    attributes={"latency": ms, "jitter": jitter},
                )
    except requests.ConnectionError:
        raise _not_running(cfg.toxiproxy_url, "Toxiproxy API") from None


def set_dns(cfg: LabConfig, ms: int) -> None:
    """Set the DNS server's per-answer delay."""
    from services.dns import control

    try:
        control.set_delay(cfg.dns_control_url, ms)
    except control.ControlError as e:
        if e.status == 0:
            raise _not_running(cfg.dns_control_url, "DNS control API") from None
        raise LabError(
            f"The DNS server refused a delay of {ms} ms: {e}.", "Choose a smaller value."
        ) from None


def get_dns(cfg: LabConfig) -> int | None:
    """The DNS delay in ms, or None when the control API does not answer."""
    from services.dns import control

    try:
        return int(control.get_delay(cfg.dns_control_url, timeout=3))
    except (control.ControlError, ValueError, TypeError):
        return None


def proxies_with_toxics(cfg: LabConfig) -> dict[str, dict] | None:
    """Every proxy with its toxics, as the Toxiproxy API lists them (None if it is down).

    (toxiproxy-python's ``proxies()`` drops the toxics, so this reads ``GET /proxies``.)
    """
    try:
        r = requests.get(f"{cfg.toxiproxy_url}/proxies", timeout=3)
        r.raise_for_status()
        return r.json()
    except (requests.RequestException, ValueError):
        return None


def _not_running(url: str, what: str) -> LabError:
    return LabError(
        f"The lab is not running: nothing answers at {url} ({what}).",
        "Start it with `make lab-up` (or check `make lab-status`).",
    )
