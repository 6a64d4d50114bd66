"""The DNS server's record of the queries it answered (``GET /record`` on the control API)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from dnslib import DNSRecord

from services.dns import control

from .conftest import HOST, read_frame, start_dns, tcp_frame

SLACK = 0.5  # seconds a busy 2-core machine may keep a process from running


def read_record(dns, since: int = 0, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in {"since": since, **params}.items())
    with urllib.request.urlopen(f"{dns.control_url}/record?{query}", timeout=10) as r:
        assert r.headers["Content-Type"] == "application/json"
        return json.loads(r.read())


def new_entries(dns, since: int) -> list[dict]:
    body = read_record(dns, since)
    assert body["dropped"] == 0
    return body["entries"]


@pytest.fixture(scope="module")
def dns(tmp_path_factory):
    service = start_dns(tmp_path_factory.mktemp("dns-record"))
    yield service
    service.stop()


def test_udp_queries_are_recorded_with_server_side_times(dns):
    control.set_delay(dns.control_url, 300)
    try:
        since = read_record(dns)["next"]
        names = [f"w{i:02d}.lab.test" for i in range(8)]
        replies = {}
        barrier = threading.Barrier(len(names))

        def ask(name):
            barrier.wait()
            replies[name] = dns.query(name, timeout=10)

        before = time.time()
        threads = [threading.Thread(target=ask, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        after = time.time()
    finally:
        control.set_delay(dns.control_url, 0)
    entries = new_entries(dns, since)
    assert sorted(e["qname"] for e in entries) == sorted(n + "." for n in names)
    for e in entries:
        assert (e["transport"], e["qtype"], e["rcode"], e["conn"]) == ("udp", "A", "NOERROR", None)
        assert e["id"] == replies[e["qname"][:-1]].header.id
        assert e["peer"].startswith("127.0.0.1:")
        # "sent" is read just after sendto() returns, which may be after the client got the
        # answer and went on: allow for the server being descheduled in between.
        assert before <= e["arrival"] <= e["sent"] <= after + SLACK
        assert e["sent"] - e["arrival"] >= 0.29  # the delay, measured by the server
    # answered side by side: every query was in the server at one same moment
    assert max(e["arrival"] for e in entries) < min(e["sent"] for e in entries)


def test_tcp_queries_are_recorded_with_their_connection(dns):
    since = read_record(dns)["next"]
    queries = [DNSRecord.question("python.org"), DNSRecord.question("nope.lab.test", "AAAA")]
    with socket.create_connection((HOST, dns.port), timeout=10) as sock:
        for q in queries:
            sock.sendall(tcp_frame(q.pack()))
            read_frame(sock)
        client_port = sock.getsockname()[1]
    other = dns.query("google.com", "AAAA", tcp=True)
    entries = new_entries(dns, since)
    assert [(e["transport"], e["qname"], e["qtype"], e["rcode"], e["id"]) for e in entries] == [
        ("tcp", "python.org.", "A", "NOERROR", queries[0].header.id),
        ("tcp", "nope.lab.test.", "AAAA", "NXDOMAIN", queries[1].header.id),
        ("tcp", "google.com.", "AAAA", "NOERROR", other.header.id),
    ]
    assert entries[0]["conn"] == entries[1]["conn"] != entries[2]["conn"]
    assert entries[0]["peer"] == entries[1]["peer"] == f"127.0.0.1:{client_port}"


def test_unparsable_queries_are_recorded_as_formerr_and_dropped_ones_not(dns):
    since = read_record(dns)["next"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xff\xff", (HOST, dns.port))
        assert DNSRecord.parse(s.recv(512)).header.id == 0x1234
        s.sendto(b"\x00\x01", (HOST, dns.port))  # shorter than a header: dropped
    assert dns.query("python.org").rr  # after the dropped one: it was handled by now
    entries = new_entries(dns, since)
    assert [(e["id"], e["qname"], e["qtype"], e["rcode"]) for e in entries] == [
        (0x1234, None, None, "FORMERR"),
        (entries[1]["id"], "python.org.", "A", "NOERROR"),
    ]


def test_since_and_limit_page_through_the_record(dns):
    since = read_record(dns)["next"]
    for i in range(5):
        dns.query(f"page{i}.lab.test", tcp=i % 2 == 1)
    pages, cursor = [], since
    for _ in range(10):
        body = read_record(dns, cursor, limit=2)
        if not body["entries"]:
            break
        pages.append([e["qname"] for e in body["entries"]])
        cursor = body["next"]
    assert pages == [
        ["page0.lab.test.", "page1.lab.test."],
        ["page2.lab.test.", "page3.lab.test."],
        ["page4.lab.test."],
    ]


def test_evicted_entries_are_reported(tmp_path):
    service = start_dns(tmp_path, "--record-size", "4")
    try:
        for i in range(7):
            service.query(f"e{i}.lab.test")
        body = read_record(service, 0)
        assert (body["next"], body["dropped"], body["first"], body["capacity"]) == (7, 3, 3, 4)
        assert [e["qname"] for e in body["entries"]] == [f"e{i}.lab.test." for i in range(3, 7)]
        assert read_record(service, 5)["dropped"] == 0
    finally:
        assert service.stop() == 0


@pytest.mark.parametrize("query", ["since=-1", "since=x", "limit=0", "since=1&since=2"])
def test_bad_queries_are_400_json(dns, query):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{dns.control_url}/record?{query}", timeout=10)
    assert err.value.code == 400
    body = json.loads(err.value.read())
    assert body["status"] == 400 and body["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_no_request_changes_the_record(dns, method):
    before = read_record(dns)
    request = urllib.request.Request(
        f"{dns.control_url}/record",
        data=b"{}",
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 405
    after = read_record(dns)
    assert (after["next"], after["entries"]) == (before["next"], before["entries"])
