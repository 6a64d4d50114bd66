"""The shared ``lab_cfg`` fixture and the ``toxiproxy_at`` helper that other tests rely on."""

from __future__ import annotations

import time

import requests
from dnslib import DNSRecord
from toxiproxy.api import APIConsumer

from lab import health
from lab.config import LabConfig
from tests.conftest import toxiproxy_at

DEFAULT_PORTS = {8474, 8080, 8081, 1053, 8053}


def test_lab_cfg_runs_a_lab_on_free_ports_without_latency(lab_cfg: LabConfig):
    assert not DEFAULT_PORTS & set(lab_cfg.ports().values())
    assert all(c.answers for c in health.probe(lab_cfg).values())
    assert requests.get(f"{lab_cfg.toxiproxy_url}/proxies/httpbin/toxics", timeout=5).json() == []
    assert requests.get(f"{lab_cfg.dns_control_url}/delay", timeout=5).json()["delay_ms"] == 0
    reply = DNSRecord.parse(
        DNSRecord.question("google.com").send(lab_cfg.host, lab_cfg.dns_port, timeout=5)
    )
    assert reply.rr, "the lab's DNS server answers the source material's names"


def test_toxiproxy_at_aims_the_client_and_restores_it(lab_cfg: LabConfig):
    before = APIConsumer.host, APIConsumer.port
    with toxiproxy_at(lab_cfg) as tp:
        assert (APIConsumer.host, APIConsumer.port) == (lab_cfg.host, lab_cfg.toxiproxy_port)
        proxy = tp.get_proxy("httpbin")
        proxy.add_toxic(type="latency", attributes={"latency": 120})
        try:
            t0 = time.perf_counter()
            requests.get(f"{lab_cfg.httpbin_url}/get", timeout=10).raise_for_status()
            assert time.perf_counter() - t0 >= 0.120
        finally:
            proxy.destroy_toxic("latency_downstream")
    assert (APIConsumer.host, APIConsumer.port) == before
