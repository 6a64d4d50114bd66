"""services.toxiproxy.launch: one way to start the server on a free port and stop it."""

from __future__ import annotations

import sys

import pytest
import requests

from services.toxiproxy.launch import Running, start


def test_start_reports_the_bound_address_and_stop_ends_the_process():
    with start("-runtime-metrics") as server:
        assert isinstance(server, Running)
        assert server.host == "127.0.0.1" and server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert requests.get(server.url + "/version", timeout=5).json() == {"version": "2.12.0"}
        assert requests.get(server.url + "/metrics", timeout=5).status_code == 200
    assert server.process.poll() is not None  # stopped on leaving the block
    assert server.stop() == server.process.returncode  # stopping twice is harmless


def test_start_fails_clearly_when_the_server_cannot_start():
    with pytest.raises(RuntimeError, match="did not start"):
        start("-no-such-flag")


def test_start_honours_toxiproxy_python(monkeypatch):
    monkeypatch.setenv("TOXIPROXY_PYTHON", sys.executable)
    with start() as server:
        assert requests.get(server.url + "/proxies", timeout=5).json() == {}
    monkeypatch.setenv("TOXIPROXY_PYTHON", "/nonexistent/python")
    with pytest.raises(FileNotFoundError):
        start()
