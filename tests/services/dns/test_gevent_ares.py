"""gevent's c-ares resolver, pointed at the lab's DNS server, resolves through it.

This is how exercises send ``socket.gethostbyname`` to the lab (``lab.endpoints.use_lab_dns``
sets the same variables). Each check runs the probe in a fresh process, because gevent reads
the variables once, when its hub starts.
"""

import json
import os
import subprocess

import pytest

from lab.config import REPO_ROOT
from services.dns import control
from services.dns.zone import Zone

from .conftest import SERVICE_PYTHON

ZONE = Zone.from_file().addresses()


def probe(dns, *names: str) -> dict:
    env = {
        **os.environ,
        "GEVENT_RESOLVER": "ares",
        "GEVENTARES_SERVERS": "127.0.0.1",
        "GEVENTARES_UDP_PORT": str(dns.port),
        "GEVENTARES_TCP_PORT": str(dns.port),
    }
    proc = subprocess.run(
        [SERVICE_PYTHON, "-m", "tests.services.dns.ares_probe", *names],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["resolver"].startswith("gevent.resolver.ares"), report["resolver"]
    return report


@pytest.fixture
def delay_reset(dns):
    yield
    control.set_delay(dns.control_url, 0)


def test_zone_names_resolve_to_the_zone_addresses(dns):
    names = ["google.com", "www.github.com", "python.org", "httpbin.lab.test", "w33.lab.test"]
    results = probe(dns, *names)["results"]
    assert [r.get("address") for r in results] == [ZONE[n]["A"][0] for n in names]


def test_unknown_name_raises_gaierror(dns):
    (result,) = probe(dns, "no-such-host.lab.test")["results"]
    assert "gaierror" in result and "address" not in result


def test_parallel_lookups_share_the_delay(dns, delay_reset):
    """20 look-ups with a 300 ms delay each: about 0.3 s together, not 20 x 0.3 s."""
    control.set_delay(dns.control_url, 300)
    names = [f"w{i:02d}.lab.test" for i in range(40, 60)]  # names no earlier test cached
    report = probe(dns, *names)
    assert [r.get("address") for r in report["results"]] == [ZONE[n]["A"][0] for n in names]
    assert 0.28 <= report["elapsed"] < 2.0, report["elapsed"]
