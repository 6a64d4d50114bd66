"""A real httpbin server process on a free port.

``LAB_SERVICE_PYTHON`` runs it under another interpreter (see tests/service_process.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from lab.net import free_port
from tests.service_process import HOST, SERVICE_PYTHON, ServiceProcess, start_service  # noqa: F401


@dataclass
class HttpbinService:
    """The httpbin process and its port."""

    process: ServiceProcess
    port: int

    @property
    def proc(self):
        return self.process.proc

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_text(self) -> str:
        return self.process.log_text()

    def stop(self) -> int:
        return self.process.stop()


def start_httpbin(log_dir: Path, *extra: str) -> HttpbinService:
    """Start ``python -m services.httpbin`` on a free port; wait for its "listening" line."""
    port = free_port(HOST)
    args = ["--host", HOST, "--port", str(port), *extra]
    return HttpbinService(
        start_service("services.httpbin", args, log_dir / f"httpbin-{port}.log"), port
    )


@pytest.fixture(scope="module")
def httpbin(tmp_path_factory) -> HttpbinService:
    service = start_httpbin(tmp_path_factory.mktemp("httpbin"))
    yield service
    service.stop()
