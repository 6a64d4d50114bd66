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


SERVE_UNTIL_SIGNAL_SCRIPT = """
import socket, sys
from gevent.server import StreamServer
from services.serve import serve_until_signal

server = StreamServer(("127.0.0.1", 0), lambda sock, addr: sock.sendall(b"hi"))
server.start()
print("listening", server.address[1], flush=True)
signum = serve_until_signal(server, stop=[lambda: print("cleanup 1"), lambda: print("cleanup 2")])
print("closed" if server.closed else "open", int(signum), flush=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_until_signal_stops_servers_then_calls_the_stop_functions(signum):
    """The helper every service uses (toxiproxy's too, once switched): servers first, then
    the callables, then it returns the signal; the process exits 0."""
    proc = subprocess.Popen(
        [SERVICE_PYTHON, "-c", SERVE_UNTIL_SIGNAL_SCRIPT],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = proc.stdout.readline().split()
        assert first[0] == "listening", first
        with socket.create_connection((HOST, int(first[1])), timeout=10) as s:
            assert s.recv(2) == b"hi"
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert out.split("\n")[:3] == ["cleanup 1", "cleanup 2", f"closed {int(signum)}"], out
