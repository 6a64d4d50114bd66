"""Proxy lifecycle on the wire: disable, reset, restart on a new upstream, -config, signals."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import requests

from lab.config import REPO_ROOT
from lab.net import free_port, port_open
from services.toxiproxy.launch import start
from tests.services.toxiproxy.test_toxics import add_toxic, proxy_to, round_trip
from tests.services.toxiproxy.upstreams import connect, echo_server


def test_disable_drops_live_connections_and_enable_listens_again(api):
    with echo_server() as up:
        listen = proxy_to(api, up.address)
        port = int(listen.rpartition(":")[2])
        with connect(listen) as sock:
            round_trip(sock)
            requests.post(api + "/proxies/p", json={"enabled": False}, timeout=5)
            try:
                assert sock.recv(10) == b""
            except ConnectionResetError:
                pass
        assert not port_open("127.0.0.1", port)
        requests.post(api + "/proxies/p", json={"enabled": True}, timeout=5)
        with connect(listen) as sock:
            round_trip(sock)


def test_reset_re_enables_and_clears_toxics_on_the_wire(api):
    with echo_server() as up:
        listen = proxy_to(api, up.address)
        add_toxic(api, "latency", latency=800)
        requests.post(api + "/proxies/p", json={"enabled": False}, timeout=5)
        assert requests.post(api + "/reset", timeout=5).status_code == 204
        with connect(listen) as sock:
            assert round_trip(sock) < 0.7


def test_new_upstream_restarts_on_the_same_port(api):
    with echo_server() as first, echo_server() as second:
        listen = proxy_to(api, first.address)
        with connect(listen) as sock:
            round_trip(sock)
        response = requests.post(api + "/proxies/p", json={"upstream": second.address}, timeout=5)
        assert response.json()["listen"] == listen
        with connect(listen) as sock:
            round_trip(sock)
            assert sock.getpeername()[1] == int(listen.rpartition(":")[2])


def test_refused_upstream_accepts_then_closes(api):
    listen = proxy_to(api, f"127.0.0.1:{free_port()}")
    with connect(listen) as sock:
        sock.settimeout(3)
        try:
            assert sock.recv(10) == b""
        except ConnectionResetError:
            pass
    assert requests.get(api + "/version", timeout=5).status_code == 200


def test_config_file_at_start_and_metrics_off_by_default(tmp_config):
    with echo_server() as up:
        port = free_port()
        path = tmp_config(
            json.dumps(
                [
                    {"name": "fromfile", "listen": f"127.0.0.1:{port}", "upstream": up.address},
                    {
                        "name": "disabled",
                        "listen": "127.0.0.1:0",
                        "upstream": up.address,
                        "enabled": False,
                    },
                ]
            )
        )
        server = start("-config", str(path))
        try:
            proxies = requests.get(server.url + "/proxies", timeout=5).json()
            assert proxies["fromfile"]["listen"] == f"127.0.0.1:{port}"
            assert proxies["fromfile"]["enabled"] is True
            assert proxies["disabled"]["enabled"] is False
            with connect(f"127.0.0.1:{port}") as sock:
                round_trip(sock)
            assert requests.get(server.url + "/metrics", timeout=5).status_code == 404
        finally:
            server.stop()
        assert server.process.returncode == 0  # SIGTERM: a clean exit
        assert not port_open("127.0.0.1", port)


def test_sigint_exits_cleanly_and_flags():
    server = start("-runtime-metrics")
    try:
        text = requests.get(server.url + "/metrics", timeout=5).text
        assert "process_cpu_seconds_total" in text
    finally:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=5) == 0
        server.process.stdout.close()
    version = subprocess.run(
        [sys.executable, "-m", "services.toxiproxy", "-version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert version.stdout.strip() == "toxiproxy-server version 2.12.0"
    helped = subprocess.run(
        [sys.executable, "-m", "services.toxiproxy", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert helped.returncode == 0 and "-proxy-metrics" in helped.stdout


def test_many_concurrent_connections_through_latency(api):
    """200 connections through 200 ms pipeline instead of queueing (wide bound)."""
    with echo_server() as up:
        listen = proxy_to(api, up.address)
        add_toxic(api, "latency", latency=200)
        socks = [connect(listen, timeout=10) for _ in range(200)]
        try:
            start = time.monotonic()
            for sock in socks:
                sock.sendall(b"hi")
            for sock in socks:
                assert sock.recv(2) == b"hi"
            elapsed = time.monotonic() - start
        finally:
            for sock in socks:
                sock.close()
        assert 0.195 <= elapsed < 3.0  # 200 x 200 ms if they queued: 40 s


def test_api_port_in_use_is_a_clear_error():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "services.toxiproxy", "-port", str(port)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"listen tcp 127.0.0.1:{port}: bind: address already in use" in result.stderr
