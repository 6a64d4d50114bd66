"""The Docker backend's errors say what went wrong and what to do; `auto` says why."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from lab.backends import choose_backend, compose
from lab.config import REPO_ROOT
from tests.docker.conftest import OWN_TOXIPROXY, docker_config, lab_cli, needs_engine


def test_no_engine_is_a_clear_error(tmp_path):
    """Needs only the docker SDK: runs in plain `make test` too."""
    cfg = docker_config(str(tmp_path))
    out = lab_cli(cfg, "up", DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    assert out.returncode == 1
    assert "No Docker engine answers" in out.stderr and "LAB_BACKEND=local" in out.stderr
    assert "Traceback" not in out.stderr


def test_auto_falls_back_to_local_without_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    backend, why = choose_backend(docker_config(str(tmp_path)).with_(backend="auto"))
    assert backend.name == "local" and "no Docker engine answers" in why


@needs_engine
def test_auto_picks_docker_when_engine_and_images(tmp_path, monkeypatch):
    monkeypatch.setenv("TOXIPROXY_IMAGE", "gevent-lab/toxiproxy")
    backend, why = choose_backend(docker_config(str(tmp_path)).with_(backend="auto"))
    assert backend.name == "docker" and "images are present" in why


@needs_engine
def test_auto_says_which_image_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("TOXIPROXY_IMAGE", "gevent-lab/absent:none")
    backend, why = choose_backend(docker_config(str(tmp_path)).with_(backend="auto"))
    assert backend.name == "local" and "gevent-lab/absent:none" in why
    assert "make images" in why


@needs_engine
def test_image_that_cannot_be_pulled_says_how_to_build_it(tmp_path):
    out = lab_cli(docker_config(str(tmp_path)), "up", TOXIPROXY_IMAGE="gevent-lab/absent:none")
    assert out.returncode == 1, out.stdout
    assert "cannot be pulled" in out.stderr
    assert "make images" in out.stderr and "LAB_BACKEND=local" in out.stderr


@needs_engine
def test_taken_port_starts_nothing(tmp_path):
    cfg = docker_config(str(tmp_path))
    with socket.socket() as holder:
        holder.bind((cfg.host, cfg.httpbin_port))
        holder.listen()
        out = lab_cli(cfg, "up")
    assert out.returncode == 1
    assert f"Port {cfg.httpbin_port}" in out.stderr and "LAB_HTTPBIN_PORT" in out.stderr
    status = lab_cli(cfg, "status", "--json")
    assert '"state": "absent"' in status.stdout


@needs_engine
@pytest.mark.parametrize("version", ["v2", "v1"])
def test_both_compose_versions_are_found(tmp_path, version):
    found = compose.find(tmp_path, version)
    assert found.major == int(version[1])


@needs_engine
@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root for unshare -n"
)
def test_auto_keeps_docker_only_if_its_ports_answer_from_here(tmp_path):
    """A learner's shell in a container with the host's Docker socket: the engine answers
    and the images are there, but the ports the containers publish cannot be reached from
    here (a private loopback: unshare -n). `auto` says what failed, removes the containers
    and runs the embedded lab instead."""
    import docker

    from lab.backends.docker import project_name

    cfg = docker_config(str(tmp_path)).with_(backend="auto")
    env = {**os.environ, **cfg.to_env(), "TOXIPROXY_IMAGE": OWN_TOXIPROXY, "LAB_LANG": "en"}
    script = f"ip link set lo up && exec {sys.executable} -m lab up"
    try:
        out = subprocess.run(
            ["unshare", "-n", "sh", "-c", script],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        said = " ".join(out.stdout.split())
        assert out.returncode == 0, out.stdout + out.stderr
        assert (
            "Backend: local (LAB_BACKEND=auto: the embedded lab, because Docker was tried "
            "first and failed from here: Not answering after"
        ) in said, said
        ours = {"label": f"com.docker.compose.project={project_name(cfg)}"}
        assert docker.from_env().containers.list(all=True, filters=ours) == []
    finally:
        lab_cli(cfg, "down")
