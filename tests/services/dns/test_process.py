"""The server process: clean exit on SIGTERM/SIGINT, a clear error when its port is taken."""

import signal
import socket
import subprocess

import pytest

from lab.config import REPO_ROOT
from lab.net import free_port

from .conftest import HOST, SERVICE_PYTHON, start_dns


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_it_cleanly(tmp_path, signum):
    service = start_dns(tmp_path)
    assert service.query("google.com").rr
    service.proc.send_signal(signum)
    assert service.proc.wait(timeout=10) == 0
    log = service.log_text()
    assert "dns stopped" in log and "Traceback" not in log


def test_taken_port_is_a_clear_error():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind((HOST, 0))
        port = holder.getsockname()[1]
        proc = subprocess.run(
            [
                SERVICE_PYTHON,
                "-m",
                "services.dns",
                "--port",
                str(port),
                "--control-port",
                str(free_port()),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode != 0
    assert "cannot listen" in proc.stderr and str(port) in proc.stderr
    assert "Traceback" not in proc.stderr
