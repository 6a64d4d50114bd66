"""Start, stop and inspect a whole lab: the backend, then latency and the recorded state.

The command line (lab.cli) only presents what these functions return, and the test suite's
``lab_cfg`` fixture calls them directly, so both start a lab the same way.
"""

from __future__ import annotations

from lab import health, ports, state
from lab.backends import backend_named, choose_backend
from lab.config import LabConfig
from lab.control import LabControl
from lab.errors import LabError


def active(cfg: LabConfig) -> tuple[LabConfig, str | None]:
    """The config of the lab recorded in ``cfg``'s state dir (else ``cfg``) and its backend."""
    recorded = state.load(cfg)
    return recorded if recorded else (cfg, None)


def up(cfg: LabConfig) -> dict:
    """Start what is not running, apply the default latency to what was (re)started.

    Returns {"backend", "reason", "services": {name: ServiceInfo}, "latency": {...}}.
    """
    backend, reason = choose_backend(cfg)
    _refuse_other_running_lab(cfg, backend.name)
    services = backend.up()
    state.save(cfg, backend.name)
    applied = {}
    if services["toxiproxy"]["action"] != "running":
        LabControl(cfg).set_latency(cfg.latency_ms)
        applied["http_ms"] = cfg.latency_ms
    if services["dns"]["action"] != "running":
        LabControl(cfg).set_dns_delay(cfg.latency_ms)
        applied["dns_ms"] = cfg.latency_ms
    return {
        "backend": backend.name,
        "reason": reason,
        "services": services,
        "latency_applied": applied,
    }


def down(cfg: LabConfig) -> dict:
    """Stop what ``up`` started. Returns {"stopped": {name: bool}, "still_listening": [...]}.

    ``still_listening`` lists lab ports something still holds afterwards (not ours: ours
    are gone), as (env var, port, proto, holder or "").
    """
    target, name = active(cfg)
    backend = backend_named(name, target) if name else choose_backend(target)[0]
    stopped = backend.down()
    state.forget(target)
    left = []
    for env, port in target.ports().items():
        for proto in ("tcp", "udp") if env == "LAB_DNS_PORT" else ("tcp",):
            if ports.listening(port, proto):
                left.append((env, port, proto, str(ports.holder(port, proto) or "")))
    return {"backend": backend.name, "stopped": stopped, "still_listening": left}


def status(cfg: LabConfig) -> dict:
    """Each service (running, answering, address), the proxies' toxics and the DNS delay."""
    target, name = active(cfg)
    backend = backend_named(name, target) if name else choose_backend(target)[0]
    infos = backend.status()
    checks = health.probe(target)
    addresses = service_addresses(target)
    services = {
        svc: {
            **infos.get(svc, {}),
            "address": addresses[svc],
            "answers": checks[svc].answers,
            "detail": checks[svc].detail,
        }
        for svc in health.SERVICES
    }
    return {
        "backend": backend.name,
        "ok": all(s["answers"] for s in services.values()),
        "services": services,
        "proxies": LabControl(target).proxies_or_none(),
        "dns_delay_ms": LabControl(target).dns_delay_or_none(),
        "config": target.to_env(),
    }


def service_addresses(cfg: LabConfig) -> dict[str, str]:
    """Where each service is, as a learner would dial it."""
    return {
        "toxiproxy": f"{cfg.toxiproxy_url} (API)",
        "httpbin": f"{cfg.httpbin_url} (via proxy) -> {cfg.httpbin_direct_url}",
        "dns": f"{cfg.host}:{cfg.dns_port} udp+tcp, control {cfg.dns_control_url}",
    }


def _refuse_other_running_lab(cfg: LabConfig, backend: str) -> None:
    recorded = state.load(cfg)
    if not recorded:
        return
    old_cfg, old_backend = recorded
    if (
        old_cfg.with_(latency_ms=cfg.latency_ms, backend=cfg.backend) == cfg
        and old_backend == backend
    ):
        return
    if any(s.get("running") for s in backend_named(old_backend, old_cfg).status().values()):
        changed = [
            f"{env} {old} -> {cfg.to_env()[env]}"
            for env, old in old_cfg.to_env().items()
            if env not in ("LAB_LATENCY_MS", "LAB_BACKEND") and old != cfg.to_env()[env]
        ]
        if old_backend != backend:
            changed.append(f"backend {old_backend} -> {backend}")
        raise LabError(
            f"The lab is already running with other settings ({', '.join(changed)}).",
            "Run `make lab-down` first, then `make lab-up` again.",
        )
