"""Garbage in, no crash out: random and mutated packets over UDP and TCP, then real queries.

Inputs come from a seeded generator (the seed is in the test id, so a failure can be
replayed). Every reply the server sends to garbage must itself be a well-formed DNS reply,
and the server's log must show no traceback.
"""

import random
import socket
import time

import pytest
from dnslib import RCODE, DNSRecord

from .conftest import HOST, read_frame, start_dns, tcp_frame

SEED = 20261125
VALID_NAMES = ["google.com", "github.com", "python.org", "w05.lab.test", "nope.lab.test"]


@pytest.fixture(scope="module")
def fuzz_dns(tmp_path_factory):
    """A server of its own, so that a crash here cannot hide behind another test's server."""
    service = start_dns(tmp_path_factory.mktemp("fuzz"))
    yield service
    service.stop()


def random_packets(rng: random.Random, count: int) -> list[bytes]:
    """Random byte strings of every size from empty to larger than a UDP DNS message."""
    sizes = [0, 1, 11, 12, 13] + [
        rng.choice([rng.randrange(0, 40), rng.randrange(0, 700)]) for _ in range(count - 5)
    ]
    return [rng.randbytes(n) for n in sizes]


def mutated_queries(rng: random.Random, count: int) -> list[bytes]:
    """Valid queries with bytes flipped, cut short, extended, or label lengths corrupted."""
    out = []
    for _ in range(count):
        query = DNSRecord.question(rng.choice(VALID_NAMES), rng.choice(["A", "AAAA", "ANY", "MX"]))
        data = bytearray(query.pack())
        kind = rng.randrange(4)
        if kind == 0:
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:
            data = data[: rng.randrange(len(data))]
        elif kind == 2:
            data += rng.randbytes(rng.randrange(1, 64))
        else:
            data[12] = rng.choice([0, 63, 64, 192, 255])  # first label length / pointer
        if len(data) > 2:
            data[2] &= 0x7F  # keep QR=0: a query, not a reply (replies are dropped on purpose)
        out.append(bytes(data))
    return out


def assert_well_formed_replies(replies: list[bytes]) -> list[DNSRecord]:
    parsed = [DNSRecord.parse(r) for r in replies]
    assert all(p.header.qr == 1 for p in parsed)
    return parsed


def assert_still_answers(service, tcp: bool):
    reply = service.query("google.com", tcp=tcp)
    assert reply.header.rcode == RCODE.NOERROR
    assert [str(rr.rdata) for rr in reply.rr] == ["192.0.2.10"]


def test_udp_fuzz(fuzz_dns):
    rng = random.Random(SEED)
    packets = random_packets(rng, 1200) + mutated_queries(rng, 1200)
    rng.shuffle(packets)
    replies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.settimeout(0.5)
        for i, packet in enumerate(packets):
            sock.sendto(packet, (HOST, fuzz_dns.port))
            if i % 50 == 49:  # pace the burst a little and collect what came back
                replies += _drain(sock, quiet=0.0)
        replies += _drain(sock, quiet=0.5)
    parsed = assert_well_formed_replies(replies)
    rcodes = {p.header.rcode for p in parsed}
    assert RCODE.FORMERR in rcodes, "no FORMERR seen: broken queries were never answered"
    assert fuzz_dns.proc.poll() is None
    assert_still_answers(fuzz_dns, tcp=False)
    assert "Traceback" not in fuzz_dns.log_text()


def _drain(sock: socket.socket, quiet: float) -> list[bytes]:
    """Every datagram waiting on ``sock``; wait up to ``quiet`` s for stragglers."""
    got = []
    sock.settimeout(quiet or 0.001)
    while True:
        try:
            got.append(sock.recv(65535))
        except (TimeoutError, BlockingIOError):
            return got


def test_tcp_fuzz(fuzz_dns):
    rng = random.Random(SEED + 1)
    payloads = random_packets(rng, 600) + mutated_queries(rng, 600)
    rng.shuffle(payloads)
    replies = []
    for start in range(0, len(payloads), 12):  # 12 messages per connection, framed 5 ways
        with socket.create_connection((HOST, fuzz_dns.port), timeout=3) as sock:
            replies += _send_tcp_batch(sock, rng, payloads[start : start + 12])
    assert_well_formed_replies(replies)
    assert fuzz_dns.proc.poll() is None
    assert_still_answers(fuzz_dns, tcp=True)
    assert "Traceback" not in fuzz_dns.log_text()


def _send_tcp_batch(sock, rng, payloads) -> list[bytes]:
    """Send the payloads framed, then a valid query as a sentinel, and read every reply up
    to the sentinel's (answers on one connection come in order); then end the connection
    with a random kind of broken frame."""
    sentinel = DNSRecord.question("python.org")
    sentinel.header.id = 0xBEEF
    sock.sendall(b"".join(tcp_frame(p) for p in payloads) + tcp_frame(sentinel.pack()))
    replies = []
    while True:
        reply = read_frame(sock)
        if _is_sentinel_reply(reply, sentinel):
            break
        replies.append(reply)
    assert len(replies) <= len(payloads)
    ending = rng.randrange(5)
    if ending == 0:
        sock.sendall(b"\x00")  # half a length prefix
    elif ending == 1:
        sock.sendall(b"\x01\x00" + rng.randbytes(10))  # prefix says 256, 10 bytes follow
    elif ending == 2:
        sock.sendall(b"\xff\xff")  # the largest prefix, then nothing
    elif ending == 3:
        sock.sendall(b"\x00\x00")  # an empty message
    return replies  # closing the socket here cuts whatever frame is half sent


def _is_sentinel_reply(wire: bytes, sentinel: DNSRecord) -> bool:
    reply = DNSRecord.parse(wire)
    return (
        reply.header.id == sentinel.header.id
        and str(reply.q.qname) == "python.org."
        and bool(reply.rr)
    )


def test_a_half_sent_tcp_frame_does_not_block_other_clients(fuzz_dns):
    with socket.create_connection((HOST, fuzz_dns.port), timeout=3) as stuck:
        stuck.sendall(b"\x00\x40abc")  # 64 bytes announced, 3 sent, connection left open
        time.sleep(0.1)
        assert_still_answers(fuzz_dns, tcp=True)
        assert_still_answers(fuzz_dns, tcp=False)
