"""The lab in containers answers like the embedded one: status, Toxiproxy API, DNS, grader.

Every test runs once per Compose version (``docker_lab`` is parametrised v2, v1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import docker
import pytest
import requests
from dnslib import QTYPE, DNSRecord

from lab.config import REPO_ROOT
from lab.control import toxiproxy_at
from tests.docker.conftest import OWN_TOXIPROXY, needs_engine

pytestmark = needs_engine

SERVICES = ("toxiproxy", "httpbin", "dns")


def _project_objects(cfg) -> tuple[list, list]:
    """Containers and networks the engine still has for this lab's Compose project."""
    from lab.backends.docker import DockerBackend

    label = f"com.docker.compose.project={DockerBackend(cfg).project}"
    client = docker.from_env()
    return (
        client.containers.list(all=True, filters={"label": label}),
        client.networks.list(filters={"label": label}),
    )


def test_status_shows_healthy_containers_and_answers(docker_lab):
    out = docker_lab.cli("status", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["backend"] == "docker" and report["ok"]
    for name in SERVICES:
        svc = report["services"][name]
        assert svc["answers"], (name, svc["detail"])
        assert (svc["state"], svc["health"]) == ("running", "healthy"), name
    assert report["services"]["toxiproxy"]["image"] == OWN_TOXIPROXY
    # the default latency, applied after up through the same APIs as the embedded lab
    toxics = report["proxies"]["httpbin"]["toxics"]
    assert [(t["type"], t["attributes"]["latency"]) for t in toxics] == [("latency", 200)]
    assert report["dns_delay_ms"] == 200


def test_status_table_names_container_health(docker_lab):
    out = docker_lab.cli("status")
    assert out.returncode == 0, out.stderr
    assert "Backend: docker" in out.stdout
    assert out.stdout.count("running, healthy") == 3, out.stdout


def test_ports_are_published_on_loopback_only(docker_lab):
    cfg = docker_lab.cfg
    containers, networks = _project_objects(cfg)
    bindings = [b for c in containers for bs in c.ports.values() if bs for b in bs]
    assert {b["HostIp"] for b in bindings} == {"127.0.0.1"}
    # every lab port but httpbin's proxied one, which stays on the lab's network
    published = set(cfg.ports().values()) - {cfg.httpbin_proxied_port}
    assert {int(b["HostPort"]) for b in bindings} == published
    assert [n.attrs["Driver"] for n in networks] == ["bridge"]


def test_toxiproxy_python_drives_the_proxy(docker_lab):
    cfg = docker_lab.cfg
    with toxiproxy_at(cfg) as tp:
        assert tp.version()
        proxy = tp.get_proxy("httpbin")
        assert proxy is not None and proxy.upstream == "httpbin:8082"
        proxy.add_toxic(
            name="extra_latency", type="latency", stream="downstream", attributes={"latency": 400}
        )
        try:
            assert "extra_latency" in proxy.toxics()
            t0 = time.perf_counter()
            r = requests.get(f"{cfg.httpbin_url}/get", timeout=30)
            elapsed = time.perf_counter() - t0
            assert r.status_code == 200 and r.json()["url"].endswith("/get")
            assert elapsed >= 0.55, elapsed  # 200 ms default + 400 ms: a lower bound only
        finally:
            proxy.destroy_toxic("extra_latency")
        assert "extra_latency" not in proxy.toxics()
        extra = tp.create(name="docker_extra", upstream="httpbin:8081", listen="0.0.0.0:0")
        try:
            assert extra.name in tp.proxies() and not extra.listen.endswith(":0")
        finally:
            extra.destroy()
        assert "docker_extra" not in tp.proxies()


def test_dns_answers_the_zone_over_udp_and_tcp(docker_lab):
    cfg = docker_lab.cfg
    for tcp in (False, True):
        reply = DNSRecord.parse(
            DNSRecord.question("github.com").send(cfg.host, cfg.dns_port, tcp=tcp, timeout=10)
        )
        addresses = [str(rr.rdata) for rr in reply.rr if rr.rtype == QTYPE.A]
        assert addresses and all(
            a.startswith(("192.0.2.", "198.51.100.", "203.0.113.")) for a in addresses
        ), addresses
    missing = DNSRecord.parse(
        DNSRecord.question("not-in-the-lab.example").send(cfg.host, cfg.dns_port, timeout=10)
    )
    assert missing.header.rcode == 3  # NXDOMAIN
    r = requests.get(f"{cfg.dns_control_url}/delay", timeout=10)
    assert r.json() == {"delay_ms": 200}


SPECS = sorted((REPO_ROOT / "lab" / "checks").glob("ex[0-9][0-9]_*.py"))


def test_grader_passes_every_solution(docker_lab, tmp_path):
    """One grading run over solutions/, against this stack (extra proxies, which must reach
    this machine's addresses, live on the grader's own Toxiproxy: see side_proxy)."""
    env = {**os.environ, **docker_lab.cfg.to_env(), "LAB_COMPOSE": docker_lab.compose}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "lab",
            "check",
            "--target",
            "solutions",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "No lab is running" not in out.stdout  # graded against this stack, not another
    report = json.loads((tmp_path / "grade.json").read_text())
    statuses = {e["stem"]: e["status"] for e in report["exercises"]}
    assert statuses == {spec.stem: "passed" for spec in SPECS}


# One wrong fixture per category of tests/grading/test_judge.py, graded against the stack (a
# folder holds one file per exercise, so three runs): the evidence works with Compose too.
WRONG_RUNS = {
    "evidence": {
        "bypass": "ex06_parallel_http",
        "faked": "ex07_parallel_dns",
        "threads": "ex09_pool",
        "missing_join": "ex04_gevent_countdown",
        "partial": "ex11_stream_server",
        "untested_clauses": "ex08_queue",
    },
    "toxics": {"toxics_removed": "ex06_parallel_http"},
    "escapes": {"escapes": "ex06_parallel_http"},
}


@pytest.mark.parametrize("run", sorted(WRONG_RUNS))
def test_grader_fails_a_wrong_fixture_of_each_category(docker_lab, tmp_path, run):
    from tests.grading.test_judge import WRONG

    categories = WRONG_RUNS[run]
    for category, stem in categories.items():
        shutil.copy(REPO_ROOT / "tests/grading/fixtures" / category / f"{stem}.py", tmp_path)
    env = {**os.environ, **docker_lab.cfg.to_env(), "LAB_COMPOSE": docker_lab.compose}
    out = subprocess.run(
        [sys.executable, "-m", "lab", "check", "--target", str(tmp_path),
         "--report-dir", str(tmp_path / "reports")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads((tmp_path / "reports" / "grade.json").read_text())
    seen = {e["stem"]: e for e in report["exercises"]}
    for category, stem in categories.items():
        # escapes: the kernel refuses its fork (lab.grading.inside.noprocs), as in test_judge
        escapes = "tried to start another process"
        phrase = escapes if category == "escapes" else WRONG[category][stem]
        assert seen[stem]["status"] == "failed", f"{category}: {seen[stem]}"
        assert phrase in seen[stem]["reason"], f"{category}: {seen[stem]['reason']}"
    assert out.returncode == 1


def test_down_removes_containers_and_network(docker_lab):
    out = docker_lab.cli("down")
    assert out.returncode == 0, out.stderr
    assert _project_objects(docker_lab.cfg) == ([], [])
    again = docker_lab.cli("down")
    assert again.returncode == 0 and "Nothing was running" in again.stdout
