"""The embedded lab: the three services as local processes bound to ``LAB_HOST``.

State lives in ``LAB_STATE_DIR`` (default ``.lab/``): ``services/<name>.json`` (pid and
command line, see lab.processes), ``logs/<name>.log``, and ``proxies.json``, the proxy list
rewritten with local addresses (lab.proxies) that the Toxiproxy server gets with ``-config``
and, in case it was already running, through ``POST /populate``.
"""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from lab import health, ports, processes, proxies
from lab.backends.base import Backend
from lab.config import ZONE_FILE, LabConfig
from lab.errors import LabError

START_TIMEOUT_S = 40.0  # generous: the machine may be busy; a healthy start takes ~1-2 s


@dataclass
class Service:
    """How to run one service, and the ports (port, "tcp"|"udp", env var) it binds."""

    name: str
    cmd: list[str]
    ports: list[tuple[int, str, str]]


def services(cfg: LabConfig, proxy_list: list[dict], proxies_file: Path) -> list[Service]:
    """The three services for ``cfg`` (the Toxiproxy server also binds each proxy's port)."""
    h = cfg.host
    proxy_ports = [(p, "tcp", "LAB_HTTPBIN_PORT") for p in proxies.listen_ports(proxy_list)]
    return [
        Service(
            "httpbin",
            processes.python_command(
                "services.httpbin", "--host", h, "--port", str(cfg.httpbin_upstream_port)
            ),
            [(cfg.httpbin_upstream_port, "tcp", "LAB_HTTPBIN_UPSTREAM_PORT")],
        ),
        Service(
            "dns",
            processes.python_command(
                "services.dns",
                "--host",
                h,
                "--port",
                str(cfg.dns_port),
                "--control-port",
                str(cfg.dns_control_port),
                "--zone",
                str(ZONE_FILE),
            ),
            [
                (cfg.dns_port, "udp", "LAB_DNS_PORT"),
                (cfg.dns_port, "tcp", "LAB_DNS_PORT"),
                (cfg.dns_control_port, "tcp", "LAB_DNS_CONTROL_PORT"),
            ],
        ),
        Service(
            "toxiproxy",
            processes.python_command(
                "services.toxiproxy",
                "-host",
                h,
                "-port",
                str(cfg.toxiproxy_port),
                "-config",
                str(proxies_file),
            ),
            [(cfg.toxiproxy_port, "tcp", "LAB_TOXIPROXY_PORT"), *proxy_ports],
        ),
    ]


class LocalBackend(Backend):
    """Local processes in their own sessions, remembered in the state dir."""

    name = "local"

    @property
    def state(self) -> Path:
        return self.cfg.state_path

    def up(self) -> dict[str, dict]:
        proxy_list = proxies.localize(proxies.load(), self.cfg)
        proxies_file = proxies.write(proxy_list, self.state / "proxies.json")
        wanted = services(self.cfg, proxy_list, proxies_file)

        result, to_start = {}, []
        for svc in wanted:
            rec = processes.load(self.state, svc.name)
            if rec and rec.alive():
                self._refuse_if_reconfigured(svc, rec)
                result[svc.name] = self._info(rec, "running")
            else:
                to_start.append((svc, "restarted" if rec else "started"))

        # Check every port before starting anything: a taken port starts nothing.
        ports.ensure_free(self.cfg.host, [p for svc, _ in to_start for p in svc.ports])
        env = self._child_env()
        started = [
            (processes.spawn(self.state, svc.name, svc.cmd, env), action)
            for svc, action in to_start
        ]
        try:
            self._wait_answering([rec for rec, _ in started], proxy_list)
        except BaseException:
            for rec, _ in started:  # leave no half-started lab behind
                processes.stop(self.state, rec)
            raise
        result.update({rec.name: self._info(rec, action) for rec, action in started})
        return {name: result[name] for name in health.SERVICES}

    def down(self) -> dict[str, bool]:
        stopped = {
            rec.name: processes.stop(self.state, rec) for rec in processes.recorded(self.state)
        }
        (self.state / "proxies.json").unlink(missing_ok=True)
        return stopped

    def status(self) -> dict[str, dict]:
        out = {}
        for name in health.SERVICES:
            rec = processes.load(self.state, name)
            running = bool(rec and rec.alive())
            out[name] = {
                "running": running,
                "pid": rec.pid if running else None,
                "log": str(processes.log_file(self.state, name)),
            }
        return out

    # -- helpers -----------------------------------------------------------------------
    def _wait_answering(self, started: list[processes.Record], proxy_list: list[dict]) -> None:
        """Wait until every service answers; then make sure the proxies exist."""
        deadline = time.monotonic() + START_TIMEOUT_S
        self._wait_for("toxiproxy", started, deadline)
        proxies.populate(self.cfg, proxy_list)
        for name in ("httpbin", "dns"):
            self._wait_for(name, started, deadline)

    def _wait_for(self, name: str, started: list[processes.Record], deadline: float) -> None:
        rec = next((r for r in started if r.name == name), None)
        log = processes.log_file(self.state, name)
        while True:
            check = health.CHECKS[name](self.cfg)
            if check.answers:
                return
            if rec and not rec.alive():
                raise LabError(
                    f"The {name} service exited while starting.{_tail(log)}", f"Read its log: {log}"
                )
            if time.monotonic() > deadline:
                raise LabError(
                    f"The {name} service did not answer within "
                    f"{START_TIMEOUT_S:.0f} s ({check.detail}).{_tail(log)}",
                    f"Read its log: {log}",
                )
            time.sleep(0.1)

    def _refuse_if_reconfigured(self, svc: Service, rec: processes.Record) -> None:
        # Same arguments, whatever interpreter path started it.
        if rec.cmd[1:] != svc.cmd[1:]:
            raise LabError(
                f"The {svc.name} service is already running with other settings "
                f"({' '.join(rec.cmd[3:])}).",
                "Run `make lab-down` first, then `make lab-up` with the new settings.",
            )

    def _child_env(self) -> dict[str, str]:
        # GEVENT* settings meant for learners' code (e.g. lab.endpoints.use_lab_dns in a
        # test process) must not change how the services themselves run.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("GEVENT")}
        return {**inherited, **self.cfg.to_env(), "PYTHONUNBUFFERED": "1"}

    @staticmethod
    def _info(rec: processes.Record, action: str) -> dict:
        return {"running": True, "pid": rec.pid, "log": rec.log, "action": action}


def _tail(log: Path, lines: int = 5) -> str:
    """The last lines of a log, indented, to show under an error."""
    try:
        with open(log, errors="replace") as f:
            last = deque(f, maxlen=lines)
    except OSError:
        return ""
    return "".join(["\n  Last lines of its log:\n"] + [f"    {line}" for line in last]).rstrip()
