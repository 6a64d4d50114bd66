"""A failed `lab-up` says what it tried: the backend, why it was chosen, what failed and the
command that would work; `auto` never changes backend under a lab without saying so.
Real `python -m lab up` processes on free ports (the Docker cases need no engine: an
unreachable DOCKER_HOST is what a learner without one has)."""

from __future__ import annotations

import socket

import pytest

from lab import state
from lab.config import LabConfig
from tests.cli_process import run_lab, without_lab_variables
from tests.conftest import free_lab_config

SAID = {
    "en": ("error: The lab did not start: ", "\n  Backend tried: {backend} ({why})"),
    "vi": ("lỗi: Lab chưa khởi động được: ", "\n  Backend đã thử: {backend} ({why})"),
}


def up(cfg: LabConfig, lang: str, **env: str):
    full = {**without_lab_variables(), **cfg.to_env(), "LAB_LANG": lang, **env}
    return run_lab("up", env=full, timeout=120)


def down(cfg: LabConfig) -> None:
    run_lab("down", env={**without_lab_variables(), **cfg.to_env()}, timeout=60)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_taken_port_names_the_backend_why_and_the_way_out(tmp_path, lang):
    cfg = free_lab_config(str(tmp_path / "state"))
    with socket.socket() as holder:
        holder.bind((cfg.host, cfg.httpbin_port))
        holder.listen()
        out = up(cfg, lang)
    headline, tried = SAID[lang]
    assert out.returncode == 1, out.stdout
    first = out.stderr.splitlines()[0]
    assert first.startswith(headline) and str(cfg.httpbin_port) in first, out.stderr
    assert tried.format(backend="local", why="LAB_BACKEND=local") in out.stderr
    assert f"LAB_HTTPBIN_PORT={cfg.httpbin_port + 1000} make lab-up" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_docker_without_an_engine_points_to_the_embedded_lab(tmp_path, lang):
    cfg = free_lab_config(str(tmp_path / "state")).with_(backend="docker")
    out = up(cfg, lang, DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    headline, tried = SAID[lang]
    assert out.returncode == 1 and out.stderr.startswith(headline), out.stderr
    assert tried.format(backend="docker", why="LAB_BACKEND=docker") in out.stderr
    assert "LAB_BACKEND=local make lab-up" in out.stderr
    assert "`make lab-up`" not in out.stderr  # never "start the lab with make lab-up" here


def test_auto_says_when_it_changes_the_backend_recorded_here(tmp_path):
    """The lab of this state dir ran on Docker; the engine is gone: `auto` starts the
    embedded lab and says that the recorded one is not running any more."""
    cfg = free_lab_config(str(tmp_path / "state")).with_(backend="auto")
    state.save(cfg.with_(backend="docker"), "docker")
    try:
        out = up(cfg, "en", DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
        assert out.returncode == 0, out.stderr
        said = " ".join(out.stdout.split())  # rich wraps long lines
        assert said.startswith("Backend: local (LAB_BACKEND=auto: the embedded lab"), said
        assert "ran on docker, which is not running now)" in said, said
        assert state.load(cfg)[1] == "local"
    finally:
        down(cfg)


def test_the_up_table_speaks_vietnamese(tmp_path):
    cfg = free_lab_config(str(tmp_path / "state"))
    try:
        out = up(cfg, "vi")
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("đã khởi động") == 3 and "started" not in out.stdout
    finally:
        down(cfg)
