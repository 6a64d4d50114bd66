"""Queries over real UDP and TCP sockets to a real server process, answered from the zone."""

import socket

import pytest
from dnslib import OPCODE, QTYPE, RCODE, DNSRecord

from services.dns.zone import Zone

from .conftest import HOST, read_frame, tcp_frame

ZONE = Zone.from_file().addresses()
TRANSPORTS = pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])


def answers(reply: DNSRecord) -> list[str]:
    return sorted(str(rr.rdata) for rr in reply.rr)


@TRANSPORTS
@pytest.mark.parametrize(
    "name",
    [
        "google.com",
        "www.github.com",
        "python.org",
        "httpbin.lab.test",
        "w00.lab.test",
        "w63.lab.test",
    ],
)
def test_a_and_aaaa_match_the_zone(dns, name, tcp):
    for qtype in ("A", "AAAA"):
        reply = dns.query(name, qtype, tcp=tcp)
        assert reply.header.rcode == RCODE.NOERROR
        assert reply.header.aa == 1 and reply.header.qr == 1
        assert answers(reply) == sorted(ZONE[name][qtype]), (name, qtype)
        assert all(QTYPE[rr.rtype] == qtype for rr in reply.rr)


def test_the_reply_echoes_the_id_and_question(dns):
    query = DNSRecord.question("github.com", "A")
    query.header.id = 4242
    reply = DNSRecord.parse(query.send(HOST, dns.port, timeout=3))
    assert reply.header.id == 4242
    assert str(reply.q.qname) == "github.com." and reply.q.qtype == QTYPE.A


@TRANSPORTS
def test_names_are_case_insensitive(dns, tcp):
    reply = dns.query("WwW.PyThOn.OrG", "A", tcp=tcp)
    assert reply.header.rcode == RCODE.NOERROR
    assert answers(reply) == ZONE["www.python.org"]["A"]


@TRANSPORTS
@pytest.mark.parametrize("name", ["nope.lab.test", "example.com", "mail.google.com"])
def test_unknown_names_get_nxdomain(dns, name, tcp):
    reply = dns.query(name, "A", tcp=tcp)
    assert reply.header.rcode == RCODE.NXDOMAIN and not reply.rr


def test_nxdomain_carries_the_zone_soa(dns):
    reply = dns.query("nope.lab.test", "A")
    assert [(str(rr.rname), QTYPE[rr.rtype]) for rr in reply.auth] == [("lab.test.", "SOA")]


@pytest.mark.parametrize(
    "name,qtype", [("v4only.lab.test", "AAAA"), ("google.com", "MX"), ("httpbin.lab.test", "TXT")]
)
def test_known_name_without_that_type_is_noerror_without_answers(dns, name, qtype):
    reply = dns.query(name, qtype)
    assert reply.header.rcode == RCODE.NOERROR and not reply.rr
    assert reply.auth and reply.auth[0].rtype == QTYPE.SOA


def test_any_returns_every_record_of_the_name(dns):
    reply = dns.query("google.com", "ANY")
    assert {QTYPE[rr.rtype] for rr in reply.rr} == {"SOA", "A", "AAAA"}


def test_other_opcodes_are_not_implemented(dns):
    query = DNSRecord.question("google.com")
    query.header.opcode = OPCODE.STATUS
    reply = DNSRecord.parse(query.send(HOST, dns.port, timeout=3))
    assert reply.header.rcode == RCODE.NOTIMP and reply.header.id == query.header.id


def test_tcp_connection_carries_several_queries(dns):
    names = ["google.com", "github.com", "python.org", "w10.lab.test", "nope.lab.test"]
    with socket.create_connection((HOST, dns.port), timeout=3) as sock:
        for i, name in enumerate(names):  # one after another...
            query = DNSRecord.question(name)
            query.header.id = 100 + i
            sock.sendall(tcp_frame(query.pack()))
            reply = DNSRecord.parse(read_frame(sock))
            assert reply.header.id == 100 + i and str(reply.q.qname) == name + "."
        # ...and pipelined: all sent before any answer is read (answers may come in any order).
        queries = {}
        for i, name in enumerate(names):
            queries[200 + i] = DNSRecord.question(name)
            queries[200 + i].header.id = 200 + i
        sock.sendall(b"".join(tcp_frame(q.pack()) for q in queries.values()))
        replies = {r.header.id: r for r in (DNSRecord.parse(read_frame(sock)) for _ in names)}
    assert sorted(replies) == sorted(queries)
    for qid, query in queries.items():
        name = str(query.q.qname).rstrip(".")
        assert replies[qid].q.qname == query.q.qname
        assert answers(replies[qid]) == (ZONE[name]["A"] if name in ZONE else [])


@pytest.mark.parametrize("extra", [0, 200], ids=["plain", "edns"])
def test_large_udp_answers_are_truncated_and_complete_over_tcp(tmp_path, extra):
    """A reply over 512 bytes (or the client's EDNS size) comes back with TC set over UDP;
    the same question over TCP gets every record."""
    from dnslib import EDNS0

    from .conftest import start_dns

    addresses = [f"192.0.2.{i}" for i in range(1, 61)]
    zone = tmp_path / "big.zone"
    zone.write_text("".join(f"big.lab.test. 60 IN A {a}\n" for a in addresses))
    service = start_dns(tmp_path, "--zone", str(zone))
    try:
        query = DNSRecord.question("big.lab.test")
        if extra:
            query.add_ar(EDNS0(udp_len=512 + extra))
        udp = DNSRecord.parse(query.send(HOST, service.port, timeout=3))
        assert udp.header.tc == 1 and len(udp.rr) < len(addresses)
        full = service.query("big.lab.test", tcp=True)
        assert full.header.tc == 0 and answers(full) == sorted(addresses)
    finally:
        service.stop()


def test_zone_endpoint_lists_what_the_server_answers(dns):
    from services.dns import control

    table = control.zone(dns.control_url)
    assert table == ZONE
    for name in ("google.com", "w42.lab.test"):
        assert answers(dns.query(name)) == table[name]["A"]
