"""A lab service as a real subprocess in a test: started on free ports, stopped after.

``LAB_SERVICE_PYTHON=/path/to/python`` runs services under another interpreter, e.g. one
with Debian bookworm's gevent 22.10 / dnslib 0.9.23 / httpbin 0.7.0, to check the code the
Docker images run.
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
from lab.grading.containment import die_with_parent

SERVICE_PYTHON = os.environ.get("LAB_SERVICE_PYTHON") or sys.executable
HOST = "127.0.0.1"


@dataclass
class ServiceProcess:
    """A running ``python -m services.<name>`` with its output in ``log``."""

    proc: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after 10 s; the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_service(module: str, args: list[str], log: Path, timeout: float = 30) -> ServiceProcess:
    """Start ``python -m module *args`` and wait for the line saying it is "listening"."""
    cmd = [SERVICE_PYTHON, "-m", module, *args]
    with open(log, "wb") as out:
        # die_with_parent: a killed test run leaves no service behind
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )  # fmt: skip
    service = ServiceProcess(proc, log)
    deadline = time.monotonic() + timeout
    while "listening" not in service.log_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            service.stop()
            pytest.fail(f"{module} did not start: {cmd}\n{service.log_text()}")
        time.sleep(0.05)
    return service
