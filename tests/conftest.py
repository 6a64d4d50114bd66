"""Shared fixtures: a lab of our own, on free ports, for the whole test session.

``lab_cfg`` (session scope) builds a ``LabConfig`` whose every port is free right now
(lab.net) and whose state dir is under this session's folder (``session_lab_dir``), starts
the embedded (local) backend through ``lab.lifecycle.up`` (the same code as ``make
lab-up``), yields the config and stops everything at the end of the session, also when
tests fail. It never touches the default ports (8474, 8080, ...) nor a lab the learner has
running.

A session that is killed (``kill -9`` of pytest, a CI timeout) cannot stop its labs: the
state dirs of the labs of ``free_lab_config`` and ``lab_cfg`` live in ``lab.state.test_session_dir()`` (``$TMPDIR/gevent-lab-tests-<uid>/
<checkout>/<pytest pid>-<start time>/``) and their services carry that path in their
environment, so the next session (or ``make lab-down``) stops them and deletes the folder.

The lab starts with **no latency** (``latency_ms=0``: no toxic, DNS delay 0), so each test
injects exactly what it needs and should clean up after itself, e.g.::

    def test_something(lab_cfg):
        with toxiproxy_at(lab_cfg) as tp:
            tp.get_proxy("httpbin").add_toxic(type="latency", attributes={"latency": 100})
        requests.get(lab_cfg.httpbin_url + "/get")  # through the proxy
        ...

``lab_environ`` additionally exports the config's ``LAB_*`` variables into ``os.environ``
for the session (and restores the previous values), for code that calls
``lab.config.load()`` or ``lab.endpoints`` in-process. Child processes can get the same
variables with ``{**os.environ, **lab_cfg.to_env()}``.

``toxiproxy_at(cfg)`` (re-exported from lab.control) points toxiproxy-python's
global ``APIConsumer`` at ``cfg`` inside a ``with`` block and restores it afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lab import lifecycle, state
from lab.config import LabConfig
from lab.control import toxiproxy_at
from lab.net import free_port, free_tcp_udp_port

__all__ = ["free_lab_config", "session_lab_dir", "toxiproxy_at"]

# The tests read messages in English unless a test asks for Vietnamese (LAB_LANG=vi in a
# child's environment): a developer's Vietnamese locale or .env must not turn them red.
os.environ["LAB_LANG"] = "en"


def session_lab_dir(name: str) -> str:
    """A state dir ``name`` in this test session's folder (see the module docstring)."""
    folder = state.test_session_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def free_lab_config(state_dir: str, latency_ms: int = 0) -> LabConfig:
    """A local-backend config on ports that are free right now.

    Its state dir is ``state_dir`` when that is inside this session's folder, else a folder
    named after it there (e.g. ``tmp_path / "state"`` becomes ``<session>/<test>-state``),
    so that the labs of a killed session are found and stopped later.
    """
    path = Path(state_dir)
    if state.test_session_dir() not in (path, *path.parents):
        state_dir = session_lab_dir(f"{path.parent.name}-{path.name}")
    return LabConfig(
        backend="local",
        host="127.0.0.1",
        toxiproxy_port=free_port(),
        httpbin_port=free_port(),
        httpbin_upstream_port=free_port(),
        httpbin_proxied_port=free_port(),
        dns_port=free_tcp_udp_port(),
        dns_control_port=free_port(),
        latency_ms=latency_ms,
        state_dir=state_dir,
    )


@pytest.fixture(scope="session", autouse=True)
def _session_lab_folder() -> Iterator[None]:
    """Stop what killed sessions left running; remove this session's folder at its end."""
    lifecycle.clean_orphaned_test_labs()
    yield
    shutil.rmtree(state.test_session_dir(), ignore_errors=True)


@pytest.fixture(scope="session")
def lab_cfg() -> Iterator[LabConfig]:
    """A running embedded lab on free ports (no latency); stopped at the end of the session."""
    cfg = free_lab_config(session_lab_dir("lab"))
    try:
        lifecycle.up(cfg)
        yield cfg
    finally:
        lifecycle.down(cfg)


@pytest.fixture(scope="session")
def lab_environ(lab_cfg: LabConfig) -> Iterator[LabConfig]:
    """``lab_cfg``, with its LAB_* variables exported to os.environ for the session."""
    saved = {k: os.environ.get(k) for k in lab_cfg.to_env()}
    os.environ.update(lab_cfg.to_env())
    try:
        yield lab_cfg
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
