"""Fixtures: a real server process (``services.toxiproxy.launch.start``) and its API.

``TOXIPROXY_PYTHON=/path/to/python`` runs the server under another interpreter, e.g. a
Python 3.11 with gevent 22.10 like the Debian image's, to check it works there too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from requests.utils import quote
from toxiproxy.api import APIConsumer

from services.toxiproxy.launch import start


@pytest.fixture(scope="session")
def server():
    with start("-proxy-metrics") as srv:
        yield srv


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
