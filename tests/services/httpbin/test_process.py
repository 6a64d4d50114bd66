"""The httpbin process: a clean exit on SIGTERM/SIGINT with both listeners, a clear error
when a port is taken."""

import signal
import socket
import subprocess

import pytest
import requests

from lab.config import REPO_ROOT
from lab.net import free_port

from .conftest import HOST, SERVICE_PYTHON, start_httpbin


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_both_listeners_cleanly(tmp_path, signum):
    upstream = free_port(HOST)
    service = start_httpbin(tmp_path, "--upstream-port", str(upstream))
    assert requests.get(f"{service.url}/get", timeout=10).ok
    assert requests.get(f"http://{HOST}:{upstream}/get", timeout=10).ok
    log = service.log_text()
    assert f":{service.port} (direct)" in log and f":{upstream} (upstream)" in log
    service.proc.send_signal(signum)
    assert service.proc.wait(timeout=10) == 0
    log = service.log_text()
    assert "httpbin stopped" in log and "Traceback" not in log
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{HOST}:{upstream}/get", timeout=5)


def test_a_taken_upstream_port_is_a_clear_error():
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen()
        taken = holder.getsockname()[1]
        proc = subprocess.run(
            [
                SERVICE_PYTHON,
                "-m",
                "services.httpbin",
                "--host",
                HOST,
                "--port",
                str(free_port(HOST)),
                "--upstream-port",
                str(taken),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode != 0
    assert "cannot listen" in proc.stderr and f"{taken} (upstream)" in proc.stderr
    assert "Traceback" not in proc.stderr
