"""Start, stop and inspect a whole lab: the backend, then latency and the recorded state.

The command line (lab.cli) only presents the reports these functions return, and the test
suite's ``lab_cfg`` fixture calls them directly, so both start a lab the same way. ``up``
and ``down`` hold the state dir's lock (lab.state.exclusive): two at once take turns.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field

from lab import config, health, ports, processes, state
from lab.backends import Backend, ServiceInfo, backend_named, choose_backend
from lab.config import LabConfig
from lab.control import LabControl
from lab.errors import LabError, already_running
from lab.i18n import t
from lab.ports import HeldPort
from lab.state import active  # lifecycle.active: the lab in use, as callers know it


@dataclass
class UpReport:
    """What ``up`` did: the backend (and why), each service's ServiceInfo (with its
    ``action``), and the latency it applied to (re)started services (None: left as it was)."""

    backend: str
    reason: str
    services: dict[str, ServiceInfo]
    http_latency_ms: int | None = None
    dns_latency_ms: int | None = None


@dataclass
class DownReport:
    """What ``down`` did: the backend(s) it asked ("local", "docker", or "local+docker" when
    no lab was recorded and LAB_BACKEND=auto); for each service, whether it was running (and
    is now stopped); lab ports something still holds; state dirs of dead test sessions it
    cleaned."""

    backend: str
    stopped: dict[str, bool]
    still_listening: list[HeldPort] = field(default_factory=list)
    orphans_cleaned: list[str] = field(default_factory=list)


@dataclass
class ServiceStatus:
    """One service in ``status``: the backend's view, its address and whether it answers."""

    address: str
    answers: bool
    detail: str
    running: bool
    pid: int | None = None
    log: str | None = None
    container: str | None = None
    state: str | None = None
    health: str | None = None
    image: str | None = None  # Docker backend: the image the container runs


@dataclass
class StatusReport:
    """The lab as ``status`` sees it; ``ok`` when every service answers. ``proxies`` and
    ``dns_delay_ms`` are None when their API does not answer."""

    backend: str
    ok: bool
    services: dict[str, ServiceStatus]
    proxies: dict[str, dict] | None
    dns_delay_ms: int | None
    config: dict[str, str]

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data (what ``lab status --json`` prints)."""
        return asdict(self)


def up(cfg: LabConfig) -> UpReport:
    """Start what is not running (adopting services the state dir lost track of), apply
    ``cfg.latency_ms`` to what was (re)started.

    A failure names the backend, why it was chosen and what failed (``err.up.failed``).
    With ``LAB_BACKEND=auto``, Docker is kept only if its published ports answer from here
    (its ``up`` waits for that): else its containers go and the embedded lab starts instead,
    and the reason says so."""
    config.validate(cfg)
    with state.exclusive(cfg.state_path):
        clean_orphaned_test_labs()
        backend, reason = _choose(cfg)
        try:
            report = _start(cfg, backend, reason)
        except LabError as e:
            if cfg.backend != "auto" or backend.name != "docker":
                raise _up_failed(backend.name, reason, e) from None
            local = backend_named("local", cfg)
            fallback = t("err.backend.auto_fallback", error=_first_line(e.message))
            try:
                report = _start(cfg, local, fallback)
            except LabError as again:
                raise _up_failed(local.name, fallback, again) from None
        state.save(cfg, report.backend)
        return report


def _start(cfg: LabConfig, backend: Backend, reason: str) -> UpReport:
    """``backend.up()`` and the latency, after checking no other lab runs from here."""
    _refuse_other_running_lab(cfg, backend)
    services = backend.up()
    report = UpReport(backend.name, reason, services)
    if services["toxiproxy"].action not in ("running", "adopted"):
        LabControl(cfg).set_latency(cfg.latency_ms)
        report.http_latency_ms = cfg.latency_ms
    if services["dns"].action not in ("running", "adopted"):
        LabControl(cfg).set_dns_delay(cfg.latency_ms)
        report.dns_latency_ms = cfg.latency_ms
    return report


def _up_failed(backend: str, reason: str, error: LabError) -> LabError:
    """``error`` said with the backend that was tried and why, and the way out: its first
    line first (what failed), then the backend, then the rest (a log excerpt)."""
    hint = error.hint
    if backend == "docker" and "LAB_BACKEND=local" not in hint:
        hint = f"{hint} {t('err.up.try_local')}".strip()
    first, newline, rest = error.message.partition("\n")  # a log excerpt may follow
    said = t("err.up.failed", backend=backend, reason=reason, error=first)
    return LabError(said + newline + rest, hint)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def down(cfg: LabConfig) -> DownReport:
    """Stop what ``up`` started (found by the state dir's records or the services' marker),
    and what dead test sessions of this checkout left running."""
    with state.exclusive(cfg.state_path):
        target, name = active(cfg)
        backends = [backend_named(name, target)] if name else _unrecorded_backends(target)
        stopped: dict[str, bool] = {}
        for backend in backends:
            for svc, was in backend.down().items():
                stopped[svc] = stopped.get(svc, False) or was
        state.forget(target)
        orphans = clean_orphaned_test_labs()
        label = "+".join(b.name for b in backends)
        return DownReport(label, stopped, ports.held(target.bindings()), orphans)


def status(cfg: LabConfig) -> StatusReport:
    """Each service (running, answering, address), the proxies' toxics and the DNS delay."""
    target, backend = _target(cfg)
    infos = backend.status()
    checks = health.probe(target)
    addresses = service_addresses(target)
    services = {
        svc: ServiceStatus(
            address=addresses[svc],
            answers=checks[svc].answers,
            detail=checks[svc].detail,
            running=infos[svc].running,
            pid=infos[svc].pid,
            log=infos[svc].log,
            container=infos[svc].container,
            state=infos[svc].state,
            health=infos[svc].health,
            image=infos[svc].image,
        )
        for svc in health.SERVICES
    }
    return StatusReport(
        backend=backend.name,
        ok=all(s.answers for s in services.values()),
        services=services,
        proxies=LabControl(target).proxies_or_none() if checks["toxiproxy"].answers else None,
        dns_delay_ms=LabControl(target).dns_delay_or_none() if checks["dns"].answers else None,
        config=target.to_env(),
    )


def service_addresses(cfg: LabConfig) -> dict[str, str]:
    """Where each service is, as a learner would dial it."""
    return {
        "toxiproxy": f"{cfg.toxiproxy_url} (API)",
        "httpbin": t("health.addr.httpbin", proxy=cfg.httpbin_url, direct=cfg.httpbin_direct_url),
        "dns": t("health.addr.dns", host=cfg.host, port=cfg.dns_port, control=cfg.dns_control_url),
    }


def clean_orphaned_test_labs() -> list[str]:
    """Stop the services of test sessions of this checkout whose pytest process is gone
    (killed before its teardown), and delete their state dirs. Returns those dirs."""
    cleaned = []
    for folder in state.orphaned_test_labs():
        for pid, _, _ in processes.marked_processes(str(folder), exact=False):
            processes.stop_group(pid)
        shutil.rmtree(folder, ignore_errors=True)
        cleaned.append(str(folder))
    return cleaned


def _target(cfg: LabConfig) -> tuple[LabConfig, Backend]:
    """The running lab's config (recorded, else ``cfg``) and the backend that runs it."""
    target, name = active(cfg)
    backend = backend_named(name, target) if name else _choose(target)[0]
    return target, backend


def _choose(cfg: LabConfig) -> tuple[Backend, str]:
    """``choose_backend``, except that ``auto`` keeps the lab that runs from this state dir
    (the embedded one is found by its services' marker even when the records are lost), and
    says so when the backend differs from the one recorded here."""
    recorded = state.load(cfg)
    if cfg.backend == "auto":
        running = "local" if processes.running(cfg.state_path) else None
        if running is None and recorded and recorded[1] == "docker" and _docker_runs(recorded[0]):
            running = "docker"
        if running:
            why = t("err.backend.auto_running", backend=running, state=cfg.state_path)
            return backend_named(running, cfg), why
    backend, reason = choose_backend(cfg)
    if recorded and recorded[1] != backend.name:
        reason += t("err.backend.switched", old=recorded[1], state=cfg.state_path)
    return backend, reason


def _docker_runs(cfg: LabConfig) -> bool:
    """Whether the Docker lab of ``cfg`` has a container running (False without the SDK)."""
    try:
        docker = backend_named("docker", cfg)
    except ImportError:
        return False
    return any(s.running for s in docker.status().values())


def _unrecorded_backends(cfg: LabConfig) -> list[Backend]:
    """The backends ``down`` asks to stop when no lab is recorded: the one ``LAB_BACKEND``
    names, or with ``auto`` both (the local one finds its services by their marker)."""
    if cfg.backend != "auto":
        return [backend_named(cfg.backend, cfg)]
    backends = [backend_named("local", cfg)]
    try:
        backends.append(backend_named("docker", cfg))
    except ImportError:  # no docker SDK: no container of ours can run
        pass
    return backends


def _refuse_other_running_lab(cfg: LabConfig, backend: Backend) -> None:
    """A LabError if a lab runs from this state dir with other ports, host or backend."""
    recorded = state.load(cfg)
    old_cfg: LabConfig | None
    if recorded:
        old_cfg, old_backend = recorded
        old = backend_named(old_backend, old_cfg)
    else:  # lab.json lost: what the running services were started with, if they run
        old_cfg, old_backend, old = backend.running_config(), backend.name, backend
    if old_cfg is None or (_same_lab(old_cfg, cfg) and old_backend == backend.name):
        return
    if not any(s.running for s in old.status().values()):
        return
    new_env, changed = cfg.to_env(), []
    for env, value in old_cfg.to_env().items():
        if env not in _IGNORED and value != new_env[env]:
            changed.append(f"{env} {value} -> {new_env[env]}")
    if old_backend != backend.name:
        changed.append(f"backend {old_backend} -> {backend.name}")
    raise already_running(changed)


_IGNORED = ("LAB_LATENCY_MS", "LAB_BACKEND", "LAB_STATE_DIR", "LAB_ALLOW_REMOTE")


def _same_lab(a: LabConfig, b: LabConfig) -> bool:
    """True if ``a`` and ``b`` put the same services on the same addresses."""
    keep = {"latency_ms": 0, "backend": "auto", "state_dir": "", "allow_remote": False}
    return a.with_(**keep) == b.with_(**keep)
