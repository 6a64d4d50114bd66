"""Addresses of the lab's services, for exercises (learners read this file).

Địa chỉ các dịch vụ của lab, dùng trong bài tập.

The grader and ``make run`` set the ``LAB_*`` environment variables; without them the
defaults of ``make lab-up`` apply (httpbin behind the latency proxy on 127.0.0.1:8080,
DNS on 127.0.0.1:1053).
"""

from __future__ import annotations

import os

from lab import config


def httpbin_url() -> str:
    """Base URL of httpbin *through* the Toxiproxy latency proxy, e.g. http://127.0.0.1:8080."""
    return config.load(state=False).httpbin_url


def dns_server() -> tuple[str, int]:
    """(host, port) of the lab's DNS server."""
    cfg = config.load(state=False)
    return cfg.host, cfg.dns_port


def use_lab_dns() -> None:
    """Send gevent's name look-ups to the lab's DNS server instead of the system's.

    Call it *before* gevent starts its hub (before ``monkey.patch_all()`` is a safe place):
    gevent reads these variables once. It selects the c-ares resolver, which talks to the
    DNS server we name, on the port we name.
    """
    host, port = dns_server()
    os.environ["GEVENT_RESOLVER"] = "ares"
    os.environ["GEVENTARES_SERVERS"] = host
    os.environ["GEVENTARES_UDP_PORT"] = str(port)
    os.environ["GEVENTARES_TCP_PORT"] = str(port)
