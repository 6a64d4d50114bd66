"""Fault injection: the lab's lifecycle under the failures of its reliability issue.

Real service processes on free ports, each test with its own state dir in this session's
folder (tests.conftest.session_lab_dir), driven through ``python -m lab`` as learners drive
it. Every wait is bounded, with generous limits: the suite must pass on a busy machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from lab import lifecycle, ports, processes, state
from lab.config import REPO_ROOT, LabConfig
from tests.cli_process import run_lab, without_lab_variables
from tests.conftest import free_lab_config, session_lab_dir

SERVICES = ("toxiproxy", "httpbin", "dns")
SLOW_MACHINE_S = 15.0  # a stopped service must be named well within this (about 2 s idle)


def lab(
    cfg: LabConfig, *args: str, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess:
    """``python -m lab ARGS`` with only ``cfg``'s LAB_* variables (plus ``extra``)."""
    env = {**without_lab_variables(), **cfg.to_env(), **extra}
    return run_lab(*args, env=env, timeout=timeout)


def up_ok(cfg: LabConfig) -> dict[str, int]:
    """Start the lab through the CLI; the pid of each service."""
    r = lab(cfg, "up")
    assert r.returncode == 0, r.stdout + r.stderr
    return service_pids(cfg)


def service_pids(cfg: LabConfig) -> dict[str, int]:
    """The lab's services as /proc shows them (by their LAB_INSTANCE marker)."""
    marker = processes.marker_value(cfg.state_path)
    found = [(name, pid) for pid, name, _ in processes.marked_processes(marker, exact=True)]
    assert len(found) == len({name for name, _ in found}), f"duplicate services: {found}"
    return dict(found)


def wait_gone(pids, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while any(processes.is_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if processes.is_running(p)], "processes still running"


def assert_nothing_left(cfg: LabConfig, pids) -> None:
    wait_gone(pids)
    for b in cfg.bindings():
        assert not ports.listening(b.port, b.proto), f"{b.env} {b.port}/{b.proto} still held"
    assert service_pids(cfg) == {}


def one_warning(stderr: str) -> None:
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert warnings, stderr
    assert "Traceback" not in stderr, stderr


@pytest.fixture
def cfg() -> LabConfig:
    cfg = free_lab_config(session_lab_dir(f"faults-{uuid.uuid4().hex[:8]}"), latency_ms=50)
    yield cfg
    lifecycle.down(cfg)  # whatever the test left running


# -- 1. the lab always knows its processes -------------------------------------------------------
def test_concurrent_ups_start_one_lab_and_down_stops_it(cfg):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")} | cfg.to_env()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "lab", "up"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    started = sum(out.count(" started") for out, _ in outputs)
    assert started == 3, "each service started exactly once: " + repr(outputs)
    pids = service_pids(cfg)
    assert set(pids) == set(SERVICES)
    recorded = {r.name: r.pid for r in processes.recorded(cfg.state_path)}
    assert recorded == pids, "the records hold the running pids"
    r = lab(cfg, "down")
    assert r.returncode == 0 and "Stopped:" in r.stdout, r.stdout + r.stderr
    assert "still in use" not in r.stdout
    assert_nothing_left(cfg, pids.values())


@pytest.mark.parametrize("backend", ["local", "auto"])
def test_down_after_the_state_dir_was_deleted(cfg, backend):
    pids = up_ok(cfg)
    shutil.rmtree(cfg.state_path)
    r = lab(cfg.with_(backend=backend), "down")
    assert r.returncode == 0, r.stderr
    assert "Stopped:" in r.stdout and all(s in r.stdout for s in SERVICES), r.stdout
    assert "the lab did not start it" not in r.stdout
    assert_nothing_left(cfg, pids.values())


@pytest.mark.parametrize("backend", ["local", "auto"])
def test_up_after_the_state_dir_was_deleted_adopts_the_services(cfg, backend):
    pids = up_ok(cfg)
    shutil.rmtree(cfg.state_path)
    r = lab(cfg.with_(backend=backend), "up")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Adopted" in r.stdout and r.stdout.count("adopted") >= 3, r.stdout
    assert service_pids(cfg) == pids, "nothing was started twice"
    assert {r.name: r.pid for r in processes.recorded(cfg.state_path)} == pids
    r = lab(cfg, "status")
    assert r.returncode == 0, r.stdout + r.stderr


def test_up_after_the_state_dir_was_deleted_refuses_other_ports(cfg):
    pids = up_ok(cfg)
    shutil.rmtree(cfg.state_path)
    moved = cfg.with_(httpbin_port=free_lab_config(cfg.state_dir).httpbin_port)
    r = lab(moved, "up")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "already running with other settings" in r.stderr and "LAB_HTTPBIN_PORT" in r.stderr
    assert service_pids(cfg) == pids


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: re.sub(r'"pid": (\d+)', r'"pid": "\1"', text), id="string-pid"),
        pytest.param(lambda text: "[]", id="not-an-object"),
    ],
)
def test_a_corrupt_record_is_a_warning_not_a_crash(cfg, corrupt):
    pids = up_ok(cfg)
    record = processes.state_file(cfg.state_path, "httpbin")
    record.write_text(corrupt(record.read_text()))
    r = lab(cfg, "status", "--json")
    one_warning(r.stderr)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["services"]["httpbin"]["pid"] == pids["httpbin"]
    r = lab(cfg, "down")
    assert r.returncode == 0, r.stderr
    one_warning(r.stderr)
    assert all(s in r.stdout for s in SERVICES), r.stdout
    assert_nothing_left(cfg, pids.values())


def test_a_corrupt_lab_json_is_a_warning_not_a_crash(cfg):
    pids = up_ok(cfg)
    (cfg.state_path / "lab.json").write_text('{"backend": "local", "config": {"dns_port": "x"')
    for args in (("status",), ("up",), ("down",)):
        r = lab(cfg, *args)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
    assert_nothing_left(cfg, pids.values())


@pytest.mark.parametrize("victim", ["dns", "httpbin", "toxiproxy"])
def test_a_stopped_service_is_named_within_seconds(cfg, victim):
    pids = up_ok(cfg)
    os.kill(pids[victim], signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        r = lab(cfg, "status", "--json")
        took = time.monotonic() - t0
        assert r.returncode == 1
        report = json.loads(r.stdout)
        assert not report["services"][victim]["answers"]
        assert took < SLOW_MACHINE_S, f"status took {took:.1f} s"

        t0 = time.monotonic()
        r = lab(cfg, "up")
        took = time.monotonic() - t0
        assert r.returncode == 1
        first = r.stderr.splitlines()[0]
        assert first.startswith("error:") and victim in first and "stopped" in first, r.stderr
        assert took < SLOW_MACHINE_S, f"up took {took:.1f} s"
    finally:
        os.kill(pids[victim], signal.SIGCONT)
    r = lab(cfg, "down")
    assert r.returncode == 0, r.stderr
    assert_nothing_left(cfg, pids.values())


def test_down_stops_a_stopped_service(cfg):
    pids = up_ok(cfg)
    os.kill(pids["httpbin"], signal.SIGSTOP)
    r = lab(cfg, "down")
    assert r.returncode == 0 and "httpbin" in r.stdout, r.stdout + r.stderr
    assert_nothing_left(cfg, pids.values())


# -- 2. configuration validated before anything starts ------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("LAB_LATENCY_MS", "999999", "0-60000"),
        ("LAB_LATENCY_MS", "-5", "0-60000"),
        ("LAB_LATENCY_MS", "fast", "whole number"),
        ("LAB_HTTPBIN_PORT", "0", "1-65535"),
        ("LAB_HTTPBIN_PORT", "70000", "1-65535"),
        ("LAB_DNS_CONTROL_PORT", "same", "distinct"),
        ("LAB_HOST", "example.com", "IPv4"),
        ("LAB_HOST", "0.0.0.0", "LAB_ALLOW_REMOTE"),
        ("LAB_HOST", "::1", "IPv4"),
        ("LAB_BACKEND", "podman", "auto, local, docker"),
        ("LAB_STATE_DIR", "/proc/nope", "directory"),
        ("LAB_STATE_DIR", "a-file", "directory"),
    ],
)
def test_bad_config_is_one_line_and_starts_nothing(cfg, tmp_path, variable, value, says):
    if value == "same":
        value = str(cfg.dns_port)
    if value == "a-file":
        value = str(tmp_path / "lab-file")
        (tmp_path / "lab-file").write_text("not a directory")
    for command in ("up", "status", "down"):
        r = lab(cfg, command, **{variable: value})
        assert r.returncode == 1, (command, r.stdout, r.stderr)
        first = r.stderr.splitlines()[0]
        assert first.startswith(f"error: {variable}=") and says in first, r.stderr
        assert "Traceback" not in r.stderr and "unexpected" not in r.stderr
    assert service_pids(cfg) == {}
    assert not any(ports.listening(b.port, b.proto) for b in cfg.bindings())


def test_a_remote_host_is_accepted_when_allowed():
    from lab import config

    cfg = config.load({"LAB_HOST": "0.0.0.0", "LAB_ALLOW_REMOTE": "1"}, dotenv=REPO_ROOT / "-")
    assert cfg.host == "0.0.0.0" and cfg.allow_remote


# -- 3. the Compose project is unique per checkout -----------------------------------------------
def test_compose_project_names_the_checkout(cfg):
    pytest.importorskip("docker")
    from lab.backends.docker import project_name

    default = project_name(LabConfig())
    assert re.fullmatch(r"gevent-lab-[0-9a-f]{8}", default)
    assert default == f"gevent-lab-{state.checkout_id()}"
    assert state.checkout_id(REPO_ROOT / "elsewhere") != state.checkout_id()
    assert project_name(cfg).startswith(default + "-") and project_name(cfg) != default


# -- 5. a killed test session leaves nothing behind ----------------------------------------------
OWNER = """
import sys, time
from lab import lifecycle
from tests.conftest import free_lab_config, session_lab_dir
cfg = free_lab_config(session_lab_dir("lab"))
lifecycle.up(cfg)
print(cfg.state_dir, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("cleaner", ["next session", "lab-down"])
def test_the_lab_of_a_killed_test_session_is_cleaned(cfg, cleaner):
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        line = owner.stdout.readline().strip() if owner.stdout else ""
        assert line, "the fake test session did not start its lab"
        orphan = LabConfig(backend="local", state_dir=line)
        pids = service_pids(orphan)
        assert set(pids) == set(SERVICES)
    finally:
        owner.kill()  # SIGKILL: no teardown runs
        owner.wait(timeout=30)
    assert all(processes.is_running(p) for p in pids.values()), "services outlive their owner"
    folder = orphan.state_path.parent
    if cleaner == "next session":
        assert str(folder) in lifecycle.clean_orphaned_test_labs()
    else:
        r = lab(cfg, "down")
        assert r.returncode == 0 and "killed test session" in r.stdout, r.stdout + r.stderr
    wait_gone(pids.values())
    assert not folder.exists()
