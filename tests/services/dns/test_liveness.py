"""The DNS server's liveness record (GET /lab/heartbeat on the control API) and the UDP
receive buffer it asks for. (The loss under load is measured by ``python -m
services.dns.bench``, not here.)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lab.config import REPO_ROOT
from services.dns.server import UDP_RECEIVE_BUFFER
from tests.services.dns.conftest import start_dns


def test_the_heartbeat_answers_and_shows_a_stop(dns):
    url = dns.control_url + "/lab/heartbeat"
    since = time.time()
    body = requests.get(url, params={"since": since}, timeout=5).json()
    assert set(body) == {"since", "now", "gap", "started", "interval", "pid"}
    assert body["pid"] == dns.proc.pid and body["started"] < since <= body["now"]
    assert 0 <= body["gap"] < 0.5 and body["interval"] == 0.1

    os.kill(dns.proc.pid, signal.SIGSTOP)
    try:
        time.sleep(1.0)
    finally:
        os.kill(dns.proc.pid, signal.SIGCONT)
    assert 0.9 <= requests.get(url, params={"since": since}, timeout=5).json()["gap"] < 5
    assert requests.get(url, params={"since": time.time()}, timeout=5).json()["gap"] < 0.5
    assert dns.query("httpbin.lab.test").rr  # and it answers queries again


@pytest.mark.parametrize("since", ["nan", "yesterday", "1e999"])
def test_a_bad_since_is_a_400_and_other_methods_a_405(dns, since):
    url = dns.control_url + "/lab/heartbeat"
    bad = requests.get(url, params={"since": since}, timeout=5)
    assert bad.status_code == 400 and bad.json()["status"] == 400
    put = requests.put(url, json={}, timeout=5)
    assert put.status_code == 405 and put.headers["Allow"] == "GET"


def _granted(log: str) -> int:
    found = re.search(r"udp receive buffer (\d+) bytes", log)
    assert found, log
    return int(found[1])


def _expected(asked: int) -> int:
    """What Linux grants for ``asked`` (twice it, for bookkeeping), past rmem_max only for
    a process allowed SO_RCVBUFFORCE (root here, or CAP_NET_ADMIN)."""
    if os.geteuid() == 0:
        return 2 * asked
    return 2 * min(asked, int(Path("/proc/sys/net/core/rmem_max").read_text()))


@pytest.mark.parametrize("asked", [UDP_RECEIVE_BUFFER, 1 << 20])
def test_the_udp_receive_buffer_is_what_was_asked_for(tmp_path, asked):
    service = start_dns(tmp_path, "--udp-rcvbuf", str(asked))
    try:
        assert _granted(service.log_text()) == _expected(asked)
    finally:
        service.stop()


def test_zero_keeps_the_kernel_default_and_bad_sizes_are_refused(tmp_path):
    service = start_dns(tmp_path, "--udp-rcvbuf", "0")
    try:
        default = int(Path("/proc/sys/net/core/rmem_default").read_text())
        assert _granted(service.log_text()) == default
    finally:
        service.stop()
    for bad in ("-1", str(1 << 31)):
        r = subprocess.run(
            [sys.executable, "-m", "services.dns", "--port", "0", "--udp-rcvbuf", bad],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert r.returncode == 2 and "--udp-rcvbuf" in r.stderr
