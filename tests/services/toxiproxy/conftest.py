"""Fixtures: a real ``python -m services.toxiproxy -port 0`` process and its API.

``TOXIPROXY_PYTHON=/path/to/python`` runs the server under another interpreter, e.g. a
Python 3.11 with gevent 22.10 like the Debian image's, to check it works there too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.utils import quote
from toxiproxy.api import APIConsumer

from lab.config import REPO_ROOT

LISTENING = re.compile(r"listening on ([\d.]+):(\d+)")


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def start_server(*args: str) -> Server:
    """Start the server on a free port and wait for its "listening" line."""
    python = os.environ.get("TOXIPROXY_PYTHON", sys.executable)
    process = subprocess.Popen(
        [python, "-m", "services.toxiproxy", "-host", "127.0.0.1", "-port", "0", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    match = LISTENING.search(line)
    if not match:
        process.kill()
        raise RuntimeError(f"toxiproxy did not start: {line!r}")
    return Server(process, match.group(1), int(match.group(2)))


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.process.stdout.close()


@pytest.fixture(scope="session")
def server():
    srv = start_server("-proxy-metrics")
    yield srv
    stop_server(srv)


@pytest.fixture
def api(server):
    """The server's base URL, with toxiproxy-python pointed at it; proxies cleared after."""
    saved = APIConsumer.host, APIConsumer.port
    APIConsumer.host, APIConsumer.port = server.host, server.port
    yield server.url
    APIConsumer.host, APIConsumer.port = saved
    for name in requests.get(f"{server.url}/proxies", timeout=5).json():
        requests.delete(f"{server.url}/proxies/{quote(name, safe='')}", timeout=5)


@pytest.fixture
def tmp_config(tmp_path: Path):
    def write(text: str) -> Path:
        path = tmp_path / "toxiproxy.json"
        path.write_text(text)
        return path

    return write
