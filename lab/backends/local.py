"""The embedded lab: the three services as local processes bound to ``LAB_HOST``.

State lives in ``LAB_STATE_DIR`` (default ``.lab/``): ``services/<name>.json`` (pid and
command line, see lab.processes), ``logs/<name>.log``, and ``proxies.json``, the proxy list
rewritten with local addresses (lab.proxies) that the Toxiproxy server gets with ``-config``
and, in case it was already running, through ``POST /populate``. The services carry the
state dir in their environment (``LAB_INSTANCE``), so they are found without those files.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from lab import config, health, ports, processes, proxies
from lab.backends.base import Backend, ServiceInfo
from lab.config import ZONE_FILE, Binding, LabConfig
from lab.i18n import t

START_TIMEOUT_S = 40.0  # generous: the machine may be busy; a healthy start takes ~1-2 s


@dataclass
class Service:
    """How to run one service, and the sockets it binds."""

    name: str
    cmd: list[str]
    ports: list[Binding]


def services(cfg: LabConfig, proxy_list: list[dict], proxies_file: Path) -> list[Service]:
    """The three services for ``cfg`` (the Toxiproxy server also binds each proxy's port)."""
    h = cfg.host
    extra = sorted(set(proxies.listen_ports(proxy_list)) - set(cfg.ports().values()))
    proxy_ports = [Binding("toxiproxy", "a proxy of toxiproxy.json", p, "tcp") for p in extra]
    commands = {
        "httpbin": (
            "services.httpbin",
            "--host",
            h,
            "--port",
            str(cfg.httpbin_upstream_port),
            "--upstream-port",
            str(cfg.httpbin_proxied_port),
            # only the lab's Toxiproxy may dial the port behind it (it says whose a port is)
            "--upstream-only-from",
            cfg.toxiproxy_url,
        ),  # fmt: skip
        "dns": (
            *("services.dns", "--host", h, "--port", str(cfg.dns_port)),
            *("--control-port", str(cfg.dns_control_port), "--zone", str(ZONE_FILE)),
        ),
        "toxiproxy": (
            *("services.toxiproxy", "-host", h, "-port", str(cfg.toxiproxy_port)),
            *("-config", str(proxies_file)),
        ),
    }
    return [
        Service(
            name,
            processes.python_command(*commands[name]),
            cfg.bindings(name) + (proxy_ports if name == "toxiproxy" else []),
        )
        for name in ("httpbin", "dns", "toxiproxy")
    ]


class LocalBackend(Backend):
    """Local processes in their own sessions, marked with and recorded in the state dir."""

    name = "local"

    @property
    def state(self) -> Path:
        return self.cfg.state_path

    def up(self) -> dict[str, ServiceInfo]:
        proxy_list = proxies.localize(proxies.load(), self.cfg)
        proxies_file = proxies.write(proxy_list, self.state / "proxies.json")
        found = processes.running(self.state)
        result: dict[str, ServiceInfo] = {}
        to_start: list[tuple[Service, str]] = []
        for svc in services(self.cfg, proxy_list, proxies_file):
            rec = found.get(svc.name)
            if rec:
                result[svc.name] = _info(rec, self._keep(rec))
            else:
                old = processes.state_file(self.state, svc.name).exists()
                to_start.append((svc, "restarted" if old else "started"))

        # Check every port before starting anything: a taken port starts nothing.
        ports.ensure_free(self.cfg.host, [b for svc, _ in to_start for b in svc.ports])
        env = self._child_env()
        started = {
            svc.name: (processes.spawn(self.state, svc.name, svc.cmd, env), action)
            for svc, action in to_start
        }
        live = {**found, **{name: rec for name, (rec, _) in started.items()}}
        try:
            self._wait_answering(live, "toxiproxy" in found, proxy_list)
        except BaseException:
            for rec, _ in started.values():  # leave no half-started lab behind
                processes.stop(self.state, rec)
            raise
        result.update({name: _info(rec, action) for name, (rec, action) in started.items()})
        return {name: result[name] for name in health.SERVICES}

    def down(self) -> dict[str, bool]:
        live = processes.running(self.state)
        stopped = {name: processes.stop(self.state, rec) for name, rec in live.items()}
        for rec in processes.recorded(self.state):  # records of processes that are gone
            stopped.setdefault(rec.name, processes.stop(self.state, rec))
        (self.state / "proxies.json").unlink(missing_ok=True)
        return stopped

    def status(self) -> dict[str, ServiceInfo]:
        live = processes.running(self.state)
        return {
            name: ServiceInfo(
                running=name in live,
                pid=live[name].pid if name in live else None,
                log=str(processes.log_file(self.state, name)),
            )
            for name in health.SERVICES
        }

    def running_config(self) -> LabConfig | None:
        """The config in the environment of a running service (it got the LAB_* variables)."""
        for rec in processes.running(self.state).values():
            variables = processes.environ(rec.pid)
            if "LAB_TOXIPROXY_PORT" in variables:
                try:
                    return config.from_variables(variables, dotenv=Path(os.devnull))
                except config.ConfigError:
                    continue
        return None

    # -- helpers -----------------------------------------------------------------------
    def _keep(self, rec: processes.Record) -> str:
        """ "running" if ``rec`` is the recorded process, else record it: "adopted"."""
        recorded = processes.load(self.state, rec.name)
        if recorded and recorded.pid == rec.pid and recorded.alive():
            return "running"
        processes.remember(self.state, rec)
        return "adopted"

    def _wait_answering(
        self, live: dict[str, processes.Record], populate: bool, proxy_list: list[dict]
    ) -> None:
        """Wait until every service answers, making sure the proxies exist in between."""
        watch = health.Watch(
            trouble=lambda name: _trouble(live.get(name)),
            log_lines=lambda name: _tail(processes.log_file(self.state, name)),
            log_hint=lambda name: t("err.read_log", log=processes.log_file(self.state, name)),
        )
        health.wait_answering(self.cfg, ["toxiproxy"], START_TIMEOUT_S, watch)
        if populate:  # it was already running: -config did not apply this time
            proxies.populate(self.cfg, proxy_list)
        health.wait_answering(self.cfg, ["httpbin", "dns"], START_TIMEOUT_S, watch)

    def _child_env(self) -> dict[str, str]:
        # GEVENT* settings meant for learners' code (e.g. lab.endpoints.use_lab_dns in a
        # test process) must not change how the services themselves run.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("GEVENT")}
        return {**inherited, **self.cfg.to_env(), "PYTHONUNBUFFERED": "1"}


def _info(rec: processes.Record, action: str) -> ServiceInfo:
    return ServiceInfo(running=True, pid=rec.pid, log=rec.log, action=action)


def _trouble(rec: processes.Record | None) -> str | None:
    """Why the process of ``rec`` cannot answer (gone, or stopped), or None."""
    if rec is None:
        return None
    if not processes.is_running(rec.pid):
        return t("err.exited_starting", pid=rec.pid)
    if processes.is_stopped(rec.pid):
        return t("err.stopped", pid=rec.pid)
    return None


def _tail(log: Path, lines: int = 5) -> list[str]:
    """The last lines of a log file ([] if it cannot be read)."""
    try:
        with open(log, errors="replace") as f:
            return list(deque(f, maxlen=lines))
    except OSError:
        return []
