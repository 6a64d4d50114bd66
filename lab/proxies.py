"""The proxy list (``services/toxiproxy/toxiproxy.json``) and how the embedded lab uses it.

The file is written for Docker Compose: upstreams are service names (``httpbin:8082``, the
listener only the proxy dials) and
proxies listen on ``0.0.0.0``. The embedded lab runs every service on the host, so it
rewrites each address to ``LAB_HOST`` and the ports of ``LabConfig`` before handing the list
to the Toxiproxy server (through ``-config`` and ``POST /populate``).
"""

from __future__ import annotations

import json
from pathlib import Path

from lab.config import PROXIES_FILE, LabConfig


def load(path: Path = PROXIES_FILE) -> list[dict]:
    """The proxy list as written in the repository."""
    return json.loads(path.read_text())


def localize(proxies: list[dict], cfg: LabConfig) -> list[dict]:
    """The same proxies with Compose addresses replaced by the embedded lab's."""
    # Compose service and port -> this lab's port for it
    upstream_ports = {
        ("httpbin", "8081"): cfg.httpbin_upstream_port,
        ("httpbin", "8082"): cfg.httpbin_proxied_port,
    }
    listen_ports = {"httpbin": cfg.httpbin_port}  # proxy name -> port learners dial
    local = []
    for proxy in proxies:
        up_host, _, up_port = proxy["upstream"].rpartition(":")
        listen_port = proxy["listen"].rpartition(":")[2]
        upstream = f"{cfg.host}:{upstream_ports.get((up_host, up_port), up_port)}"
        listen = f"{cfg.host}:{listen_ports.get(proxy['name'], listen_port)}"
        local.append({**proxy, "listen": listen, "upstream": upstream})
    return local


def listen_ports(proxies: list[dict]) -> list[int]:
    """The ports the Toxiproxy server will listen on for these proxies."""
    return [int(p["listen"].rpartition(":")[2]) for p in proxies]


def write(proxies: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(proxies, indent=2) + "\n")
    return path


def populate(cfg: LabConfig, proxies: list[dict]) -> None:
    """``POST /populate`` through the lab's control client (see lab.control)."""
    from lab.control import LabControl

    LabControl(cfg).populate(proxies)
