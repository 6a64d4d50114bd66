"""Where the lab's services listen, read from the environment (and an optional ``.env``).

Every port can be overridden, so a learner whose port 8080 is taken can write
``LAB_HTTPBIN_PORT=9080`` into ``.env`` (or the environment) and carry on. The test suite
builds a ``LabConfig`` with free ports so that it never collides with a lab the learner has
running.

Both backends (embedded processes and Docker Compose) use these same numbers, through one
table: ``PORTS`` (which service binds which port, for which protocol). ``load`` validates
every value (``validate``) before anything starts: a bad value is a ``ConfigError`` naming
the variable and what it accepts.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from lab import envfile
from lab.errors import ConfigError
from lab.i18n import t

REPO_ROOT = Path(__file__).resolve().parent.parent
PROXIES_FILE = REPO_ROOT / "services" / "toxiproxy" / "toxiproxy.json"
ZONE_FILE = REPO_ROOT / "services" / "dns" / "lab.zone"

# Default latency that `make lab-up` applies to the httpbin proxy and to DNS answers:
# large enough that ten sequential requests (2 s) are plainly slower than ten concurrent
# ones (0.2 s), small enough that the sequential version is still bearable to watch.
DEFAULT_LATENCY_MS = 200
MAX_LATENCY_MS = 60_000  # the DNS server's limit too; more would only make clients time out
BACKENDS = ("auto", "local", "docker")
TRUE = ("1", "true", "yes", "on")

# env var -> (LabConfig field, default)
_ENV: dict[str, tuple[str, Any]] = {
    "LAB_BACKEND": ("backend", "auto"),
    "LAB_HOST": ("host", "127.0.0.1"),
    "LAB_TOXIPROXY_PORT": ("toxiproxy_port", 8474),
    "LAB_HTTPBIN_PORT": ("httpbin_port", 8080),
    "LAB_HTTPBIN_UPSTREAM_PORT": ("httpbin_upstream_port", 8081),
    "LAB_HTTPBIN_PROXIED_PORT": ("httpbin_proxied_port", 8082),
    "LAB_DNS_PORT": ("dns_port", 1053),
    "LAB_DNS_CONTROL_PORT": ("dns_control_port", 8053),
    "LAB_LATENCY_MS": ("latency_ms", DEFAULT_LATENCY_MS),
    "LAB_STATE_DIR": ("state_dir", ".lab"),
    "LAB_ALLOW_REMOTE": ("allow_remote", False),
}


@dataclass(frozen=True)
class PortUse:
    """One socket of the lab: the service that binds it, the variable that sets its port."""

    service: str  # "toxiproxy", "httpbin" or "dns"
    env: str  # e.g. "LAB_DNS_PORT"
    field: str  # the LabConfig field, e.g. "dns_port"
    proto: str  # "tcp" or "udp"


# The lab's ports: every backend binds/publishes exactly these, ``down`` checks these.
PORTS: tuple[PortUse, ...] = (
    PortUse("toxiproxy", "LAB_TOXIPROXY_PORT", "toxiproxy_port", "tcp"),
    PortUse("toxiproxy", "LAB_HTTPBIN_PORT", "httpbin_port", "tcp"),  # the `httpbin` proxy
    PortUse("httpbin", "LAB_HTTPBIN_UPSTREAM_PORT", "httpbin_upstream_port", "tcp"),
    PortUse("httpbin", "LAB_HTTPBIN_PROXIED_PORT", "httpbin_proxied_port", "tcp"),
    PortUse("dns", "LAB_DNS_PORT", "dns_port", "udp"),
    PortUse("dns", "LAB_DNS_PORT", "dns_port", "tcp"),
    PortUse("dns", "LAB_DNS_CONTROL_PORT", "dns_control_port", "tcp"),
)


@dataclass(frozen=True)
class Binding:
    """A ``PortUse`` with the port number of one config."""

    service: str
    env: str
    port: int
    proto: str


@dataclass(frozen=True)
class LabConfig:
    """The addresses of one lab. ``host`` is what services bind and clients dial."""

    backend: str = "auto"
    host: str = "127.0.0.1"
    toxiproxy_port: int = 8474  # Toxiproxy HTTP API
    httpbin_port: int = 8080  # the `httpbin` proxy: learners' code talks to this one
    httpbin_upstream_port: int = 8081  # httpbin itself, no latency ("direct")
    # httpbin's second listener, the one only the latency proxy dials: the grader tells a
    # request that went around the proxy (on the direct port) from one through it.
    httpbin_proxied_port: int = 8082
    dns_port: int = 1053  # DNS, UDP and TCP (not 5353: mDNS daemons hold it)
    dns_control_port: int = 8053  # small HTTP API to read/change the DNS answer delay
    latency_ms: int = DEFAULT_LATENCY_MS
    state_dir: str = ".lab"  # runtime state and logs, relative to the repo root
    allow_remote: bool = False  # LAB_ALLOW_REMOTE=1: a non-loopback LAB_HOST is accepted

    # -- derived addresses -------------------------------------------------------------
    @property
    def toxiproxy_url(self) -> str:
        return f"http://{self.host}:{self.toxiproxy_port}"

    @property
    def httpbin_url(self) -> str:
        """httpbin through the latency proxy: what exercises use."""
        return f"http://{self.host}:{self.httpbin_port}"

    @property
    def httpbin_direct_url(self) -> str:
        """httpbin without the proxy, for the grader's own checks."""
        return f"http://{self.host}:{self.httpbin_upstream_port}"

    @property
    def dns_control_url(self) -> str:
        return f"http://{self.host}:{self.dns_control_port}"

    @property
    def state_path(self) -> Path:
        """The state dir as an absolute path (relative ones are under the repo root)."""
        p = Path(self.state_dir)
        return p if p.is_absolute() else REPO_ROOT / p

    def bindings(self, service: str | None = None) -> list[Binding]:
        """The lab's sockets (``PORTS`` with this config's numbers), or one service's."""
        return [
            Binding(u.service, u.env, getattr(self, u.field), u.proto)
            for u in PORTS
            if service is None or u.service == service
        ]

    def ports(self) -> dict[str, int]:
        """Every port the lab listens on, by the env var that sets it."""
        return {b.env: b.port for b in self.bindings()}

    def to_env(self) -> dict[str, str]:
        """The LAB_* variables that describe this config (for child processes)."""
        return {env: _to_text(getattr(self, name)) for env, (name, _) in _ENV.items()}

    def with_(self, **changes) -> LabConfig:
        return replace(self, **changes)


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def load(
    environ: dict[str, str] | None = None, dotenv: Path | None = None, state: bool = True
) -> LabConfig:
    """Defaults, overridden by ``.env``, overridden by the environment; then ``validate``d
    (the state dir too unless ``state`` is False: a learner's process only needs addresses,
    and may run as a user who cannot write the lab's state).

    Raises ``ConfigError`` (one line naming the variable and what it accepts) on a bad value.
    """
    return validate(from_variables(environ, dotenv), state=state)


def from_variables(environ: dict[str, str] | None = None, dotenv: Path | None = None) -> LabConfig:
    """The config the variables describe, with types checked but values not validated."""
    merged = envfile.variables(environ, dotenv)
    kwargs: dict[str, Any] = {}
    for env, (name, default) in _ENV.items():
        raw = merged.get(env)
        if raw is None or raw.strip() == "":
            continue
        kwargs[name] = _parse(env, raw.strip(), default)
    return LabConfig(**kwargs)


def _parse(env: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.lower() in TRUE
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(
                t("err.config.not_integer", env=env, raw=raw, allowed=_allowed(env))
            ) from None
    return raw


def _allowed(env: str) -> str:
    if env.endswith("_PORT"):
        return t("err.config.allowed_port")
    return t("err.config.allowed_ms", max=MAX_LATENCY_MS)


def validate(cfg: LabConfig, state: bool = True) -> LabConfig:
    """``cfg`` if every value is usable, else a ``ConfigError`` about the first bad one.

    Checks the backend name, each port (1-65535, all distinct), the latency
    (0-MAX_LATENCY_MS), the host (an IPv4 address of this machine, loopback unless
    ``allow_remote``) and, if ``state``, the state dir (a directory, created if missing).
    """
    if cfg.backend not in BACKENDS:
        raise ConfigError(t("err.config.backend", backend=cfg.backend))
    _check_ports(cfg)
    if not 0 <= cfg.latency_ms <= MAX_LATENCY_MS:
        raise ConfigError(t("err.config.latency", ms=cfg.latency_ms, max=MAX_LATENCY_MS))
    _check_host(cfg)
    if state:
        _check_state_dir(cfg)
    return cfg


def _check_ports(cfg: LabConfig) -> None:
    seen: dict[int, str] = {}
    for env, (name, _) in _ENV.items():
        if not env.endswith("_PORT"):
            continue
        port = getattr(cfg, name)
        if not 1 <= port <= 65535:
            raise ConfigError(t("err.config.port_range", env=env, port=port))
        if port in seen:
            raise ConfigError(t("err.config.port_twice", env=env, port=port, other=seen[port]))
        seen[port] = env


def _check_host(cfg: LabConfig) -> None:
    host = cfg.host
    try:
        address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    except ValueError:
        raise ConfigError(t("err.config.host_not_ip", host=host)) from None
    if address.version != 4:
        raise ConfigError(t("err.config.host_not_v4", host=host))
    if not address.is_loopback and not cfg.allow_remote:
        raise ConfigError(t("err.config.host_remote", host=host))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((str(address), 0))
        except OSError as e:
            if e.errno == errno.EADDRNOTAVAIL:
                raise ConfigError(t("err.config.host_absent", host=host)) from None


def _check_state_dir(cfg: LabConfig) -> None:
    path = cfg.state_path
    if path.exists() and not path.is_dir():
        raise ConfigError(t("err.config.state_file", dir=cfg.state_dir, path=path))
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise ConfigError(
            t("err.config.state_unusable", dir=cfg.state_dir, reason=e.strerror or e)
        ) from None


def field_names() -> list[str]:
    """The names of LabConfig's fields (what ``lab.json`` records)."""
    return [f.name for f in fields(LabConfig)]
