"""A real httpbin server process on a free port.

Set ``LAB_SERVICE_PYTHON`` to run it under another interpreter, e.g. one with Debian
bookworm's httpbin 0.7.0 / gevent 22.10, to check what the Docker image runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab.config import REPO_ROOT
from lab.net import free_port

SERVICE_PYTHON = os.environ.get("LAB_SERVICE_PYTHON") or sys.executable
HOST = "127.0.0.1"


@dataclass
class HttpbinService:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_httpbin(log_dir: Path, *extra: str) -> HttpbinService:
    """Start ``python -m services.httpbin`` on a free port; wait for its "listening" line."""
    port = free_port(HOST)
    log = log_dir / f"httpbin-{port}.log"
    cmd = [SERVICE_PYTHON, "-m", "services.httpbin", "--host", HOST, "--port", str(port), *extra]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    service = HttpbinService(proc, port, log)
    deadline = time.monotonic() + 30
    while "listening" not in service.log_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            service.stop()
            pytest.fail(f"httpbin did not start: {cmd}\n{service.log_text()}")
        time.sleep(0.05)
    return service


@pytest.fixture(scope="module")
def httpbin(tmp_path_factory) -> HttpbinService:
    service = start_httpbin(tmp_path_factory.mktemp("httpbin"))
    yield service
    service.stop()
