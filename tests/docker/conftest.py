"""Fixtures for the Docker backend's tests: a stack per Compose version, on free ports.

``docker_lab`` (session scope, parametrised ``v2`` then ``v1``) starts the stack through the
real command line (``python -m lab up`` with ``LAB_BACKEND=docker``) with the project's own
Toxiproxy image, on ports free right now (never the defaults: a learner's or another
developer's lab may hold them), yields its config and brings it down afterwards.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import NamedTuple

import pytest

from lab.config import LabConfig
from lab.net import free_port, free_tcp_udp_port
from tests.cli_process import run_lab

OWN_TOXIPROXY = "gevent-lab/toxiproxy"


def engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=10).ping()
        return True
    except Exception:
        return False


needs_engine = pytest.mark.skipif(
    os.environ.get("LAB_TEST_DOCKER") != "1" or not engine_answers(),
    reason="Docker backend tests: set LAB_TEST_DOCKER=1 with an engine running "
    "(make test-docker does both)",
)


def docker_config(state_dir: str) -> LabConfig:
    """A Docker-backend config on ports free right now, with no latency."""
    return LabConfig(
        backend="docker",
        toxiproxy_port=free_port(),
        httpbin_port=free_port(),
        httpbin_upstream_port=free_port(),
        httpbin_proxied_port=free_port(),
        dns_port=free_tcp_udp_port(),
        dns_control_port=free_port(),
        latency_ms=200,
        state_dir=state_dir,
    )


def lab_cli(
    cfg: LabConfig, *args: str, compose: str = "", timeout: float = 300, **env: str
) -> subprocess.CompletedProcess:
    """``python -m lab ARGS`` for ``cfg`` (``compose``: LAB_COMPOSE), output captured."""
    full_env = {**os.environ, **cfg.to_env(), "TOXIPROXY_IMAGE": OWN_TOXIPROXY, **env}
    if compose:
        full_env["LAB_COMPOSE"] = compose
    return run_lab(*args, env=full_env, timeout=timeout)


class Stack(NamedTuple):
    """A running Docker lab: its config and the Compose version ("v2"/"v1") that started it."""

    cfg: LabConfig
    compose: str

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return lab_cli(self.cfg, *args, compose=self.compose, **env)


@pytest.fixture(scope="session", params=["v2", "v1"])
def docker_lab(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A running Docker stack (Compose ``request.param``); down at the end."""
    stack = Stack(
        docker_config(str(tmp_path_factory.mktemp(f"docker-{request.param}"))), request.param
    )
    up = stack.cli("up")
    try:
        assert up.returncode == 0, f"lab up failed:\n{up.stdout}\n{up.stderr}"
        yield stack
    finally:
        stack.cli("down")
