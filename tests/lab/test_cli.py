"""The lab's command line, driven as learners drive it: ``python -m lab ...`` subprocesses.

Each test gets its own lab config (free ports, temporary state dir) passed through LAB_*
variables, and stops whatever it started, even when it fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from dnslib import DNSRecord

from lab import lifecycle, ports, processes
from lab.config import LabConfig
from tests.cli_process import run_lab, without_lab_variables
from tests.conftest import free_lab_config

DEFAULT_MS = 100  # the LAB_LATENCY_MS these labs start with


def lab(cfg: LabConfig, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Run ``python -m lab ARGS`` against ``cfg`` (only its LAB_* variables, no .env ones)."""
    return run_lab(*args, env={**without_lab_variables(), **cfg.to_env()}, timeout=timeout)


def status_json(cfg: LabConfig) -> tuple[int, dict]:
    r = lab(cfg, "status", "--json")
    return r.returncode, json.loads(r.stdout)


def pids(report: dict) -> dict[str, int]:
    return {name: s["pid"] for name, s in report["services"].items()}


def latency_toxics(cfg: LabConfig) -> list[dict]:
    toxics = requests.get(f"{cfg.toxiproxy_url}/proxies/httpbin/toxics", timeout=5).json()
    return [t for t in toxics if t["type"] == "latency"]


def assert_nothing_left(cfg: LabConfig, old_pids: list[int]) -> None:
    for pid in old_pids:
        assert not processes.is_running(pid), f"pid {pid} still running after down"
    for env, port in cfg.ports().items():
        assert not ports.listening(port, "tcp"), f"{env} {port}/tcp still listening"
        assert ports.is_free(cfg.host, port), f"{env} {port} still taken"
    assert not ports.listening(cfg.dns_port, "udp"), "DNS port still bound (udp)"
    assert not list((cfg.state_path / "services").glob("*.json")), "state files left"


@pytest.fixture
def cfg(tmp_path) -> LabConfig:
    cfg = free_lab_config(str(tmp_path / "state"), latency_ms=DEFAULT_MS)
    yield cfg
    lifecycle.down(cfg)  # whatever the test left running


def test_up_status_restart_latency_down(cfg):
    r = lab(cfg, "up")
    assert r.returncode == 0, r.stderr
    assert "toxiproxy" in r.stdout and str(cfg.httpbin_port) in r.stdout

    # status: three services, all answering, the default latency everywhere
    r = lab(cfg, "status")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("yes") == 3
    code, report = status_json(cfg)
    assert code == 0 and report["ok"]
    assert set(report["services"]) == {"toxiproxy", "httpbin", "dns"}
    assert all(s["answers"] and s["running"] and s["pid"] for s in report["services"].values())
    first = pids(report)
    [toxic] = report["proxies"]["httpbin"]["toxics"]
    assert (toxic["type"], toxic["stream"]) == ("latency", "downstream")
    assert toxic["attributes"]["latency"] == DEFAULT_MS
    assert report["dns_delay_ms"] == DEFAULT_MS

    # up again: nothing new
    r = lab(cfg, "up")
    assert r.returncode == 0, r.stderr
    assert pids(status_json(cfg)[1]) == first

    # a service dies: up restarts only that one
    os.kill(first["httpbin"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while processes.is_running(first["httpbin"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    code, report = status_json(cfg)
    assert code != 0 and not report["services"]["httpbin"]["answers"]
    r = lab(cfg, "up")
    assert r.returncode == 0, r.stderr
    assert "restarted" in r.stdout
    code, report = status_json(cfg)
    assert code == 0, report
    second = pids(report)
    assert second["httpbin"] != first["httpbin"]
    assert {k: v for k, v in second.items() if k != "httpbin"} == {
        k: v for k, v in first.items() if k != "httpbin"
    }

    # latency 150: one toxic (replaced, not stacked), DNS delay, felt by real requests
    r = lab(cfg, "latency", "150")
    assert r.returncode == 0, r.stderr
    assert "150" in r.stdout
    [toxic] = latency_toxics(cfg)
    assert toxic["attributes"]["latency"] == 150
    assert requests.get(f"{cfg.dns_control_url}/delay", timeout=5).json()["delay_ms"] == 150
    t0 = time.perf_counter()
    requests.get(f"{cfg.httpbin_url}/get", timeout=10).raise_for_status()
    assert time.perf_counter() - t0 >= 0.150
    t0 = time.perf_counter()
    DNSRecord.question("httpbin.lab.test").send(cfg.host, cfg.dns_port, timeout=10)
    assert time.perf_counter() - t0 >= 0.150

    r = lab(cfg, "latency", "0", "--http-only")
    assert r.returncode == 0, r.stderr
    assert latency_toxics(cfg) == []
    assert requests.get(f"{cfg.dns_control_url}/delay", timeout=5).json()["delay_ms"] == 150

    # down: no process, no port, no state; and again is harmless
    r = lab(cfg, "down")
    assert r.returncode == 0, r.stderr
    assert_nothing_left(cfg, list(second.values()) + [first["httpbin"]])
    r = lab(cfg, "down")
    assert r.returncode == 0 and "Nothing was running" in r.stdout
    code, _ = status_json(cfg)
    assert code != 0


def test_port_taken_names_it_and_starts_nothing(cfg):
    with socket.socket() as squatter:
        squatter.bind((cfg.host, cfg.httpbin_upstream_port))
        squatter.listen()
        r = lab(cfg, "up")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert str(cfg.httpbin_upstream_port) in r.stderr
    assert "LAB_HTTPBIN_UPSTREAM_PORT" in r.stderr
    assert f"pid {os.getpid()}" in r.stderr  # we are the holder
    assert_nothing_left(cfg, [])


@pytest.mark.parametrize("bad", ["abc", "-5", "1.5", "", "60001"])
def test_bad_latency_is_a_clear_error(cfg, bad):
    r = lab(cfg, "latency", "--", bad)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "latency" in r.stderr and "make latency MS=" in r.stderr


def test_latency_run_and_status_without_a_lab(cfg):
    r = lab(cfg, "latency", "100")
    assert r.returncode == 1 and "not running" in r.stderr and "make lab-up" in r.stderr
    r = lab(cfg, "run", "99")
    assert r.returncode == 1 and "no exercise '99'" in r.stderr and "make run EX=06" in r.stderr
    # Greenlet exercises need no lab: no word about it, the stub runs and says what is left.
    r = lab(cfg, "run", "01")
    assert "not running" not in r.stderr
    assert r.returncode == 1 and "NotImplementedError" in r.stderr
    # Network exercises are not run without the lab: one clear error, no tracebacks.
    r = lab(cfg, "run", "7")
    assert r.returncode == 1 and "not running" in r.stderr and "make lab-up" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 3
    r = lab(cfg, "run", "01x")
    assert r.returncode == 1 and "no exercise '01x'" in r.stderr
    r = lab(cfg, "status")
    assert r.returncode == 1 and "make lab-up" in r.stdout
    assert "Traceback" not in r.stderr


def test_a_recorded_pid_that_is_not_ours_is_never_signalled(cfg):
    """pids are reused: a state file pointing at a stranger must not make us kill it."""
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        record = processes.Record(
            name="httpbin",
            pid=stranger.pid,
            log="",
            cmd=processes.python_command("services.httpbin", "--port", "1"),
            started_at=0,
        )
        path = processes.state_file(cfg.state_path, "httpbin")
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(record.__dict__))
        code, report = status_json(cfg)
        assert code != 0 and not report["services"]["httpbin"]["running"]
        r = lab(cfg, "down")
        assert r.returncode == 0, r.stderr
        assert stranger.poll() is None, "down signalled a process it did not start"
        assert not path.exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_every_command_of_the_table_runs_a_function_that_exists():
    from lab import cli

    table = cli.commands()
    assert len({c.name for c in table}) == len(table)
    for command in table:
        assert callable(command.handler()), command.run
    sub = next(a for a in cli.parser()._actions if a.dest == "command")
    assert list(sub.choices) == [c.name for c in table]  # the parser is the table's


def test_help_imports_no_command(tmp_path):
    """`gevent-lab --help` loads the table only: no handler, nor what handlers need."""
    code = (
        "import sys\nfrom lab import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    loaded = set(out.splitlines()[-1].split())
    heavy = {"rich", "requests", "gevent", "flask", "jinja2", "psutil", "docker", "dnslib"}
    ours = {"lab.lifecycle", "lab.lab_commands", "lab.grading", "lab.ui", "lab.config"}
    assert not loaded & (heavy | ours)
