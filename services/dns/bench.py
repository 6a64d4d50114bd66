"""``python -m services.dns.bench``: how many UDP queries the DNS server loses under load.

For each receive-buffer size asked (``--rcvbuf``, 0 = the kernel's default, as before the
server sized it) it starts a server (``python -m services.dns --port 0 --udp-rcvbuf N``),
then for each number of queries in flight (``--in-flight``) sends ``--queries`` A queries
for a name of the zone from one UDP socket, keeping that many unanswered at once: a query
unanswered after ``--wait`` seconds (plus the delay) is lost and frees its slot. It prints
one line per run: answered, lost, the drops the kernel counted on the server's socket
(``/proc/net/udp``: a full receive buffer), the buffer granted, and queries per second::

    python -m services.dns.bench                      # 20,000 queries, 200 and 1,000 in flight
    python -m services.dns.bench --delay-ms 200 --in-flight 1000 --rcvbuf 0 --rcvbuf 4194304

The client's own socket gets a large buffer, so that what is lost is lost by the server.
Bounded: at most ``queries`` x (``wait`` + delay) per run, in practice seconds.
"""

from __future__ import annotations

import argparse
import collections
import re
import select
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dnslib import DNSRecord

from .server import UDP_RECEIVE_BUFFER, size_receive_buffer

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = "httpbin.lab.test"  # a name of the lab's zone
LISTENING = re.compile(rb"dns listening on ([\d.]+):(\d+) udp\+tcp.*?(?:buffer (\d+) bytes)?$")
CLIENT_BUFFER = 16 * 1024 * 1024


@dataclass
class Run:
    rcvbuf_asked: int
    rcvbuf_granted: int
    in_flight: int
    queries: int
    answered: int
    lost: int
    server_drops: int
    seconds: float

    def line(self) -> str:
        asked = "default" if self.rcvbuf_asked == 0 else f"{self.rcvbuf_asked:,}"
        return (
            f"buffer {asked:>9} (granted {self.rcvbuf_granted:>9,})  in flight {self.in_flight:>5,}"
            f"  queries {self.queries:>6,}  answered {self.answered:>6,}  lost {self.lost:>5,}"
            f"  server drops {self.server_drops:>5,}  {self.queries / self.seconds:>7,.0f} q/s"
        )


def start_server(rcvbuf: int, delay_ms: int) -> tuple[subprocess.Popen, tuple[str, int], int]:
    """A DNS server on free ports; its process, UDP address and granted buffer."""
    process = subprocess.Popen(
        [sys.executable, "-m", "services.dns", "--host", "127.0.0.1", "--port", "0"]
        + ["--control-port", "0", "--delay-ms", str(delay_ms), "--udp-rcvbuf", str(rcvbuf)],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    line = process.stderr.readline().strip()
    found = LISTENING.search(line)
    if found is None:
        process.kill()
        raise RuntimeError(f"the DNS server did not start: {line!r}")
    return process, (found[1].decode(), int(found[2])), int(found[3] or 0)


def server_drops(port: int) -> int:
    """Datagrams the kernel dropped on the UDP socket bound to 127.0.0.1:``port``."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local:
            return int(fields[-1])
    return 0


def query_load(address: tuple[str, int], queries: int, in_flight: int, wait: float) -> tuple:
    """Send ``queries`` queries, ``in_flight`` unanswered at most; (answered, lost, seconds)."""
    if not 1 <= in_flight <= 30000:
        raise ValueError("in_flight must be from 1 to 30000 (DNS ids are 16 bits)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    size_receive_buffer(sock, CLIENT_BUFFER)
    sock.setblocking(False)
    template = DNSRecord.question(NAME).pack()[2:]
    outstanding: dict[int, int] = {}  # DNS id -> sequence number of the query using it
    expiry: collections.deque = collections.deque()  # (deadline, id, seq), in sending order
    sent = answered = lost = 0
    start = time.monotonic()
    try:
        while sent < queries or outstanding:
            while sent < queries and len(outstanding) < in_flight:
                qid = sent % 65536
                try:
                    sock.sendto(struct.pack("!H", qid) + template, address)
                except BlockingIOError:
                    break  # our send buffer is full: read answers first
                outstanding[qid] = sent
                expiry.append((time.monotonic() + wait, qid, sent))
                sent += 1
            select.select([sock], [], [], 0.01)
            while True:
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    break
                if (
                    len(data) >= 2
                    and outstanding.pop(struct.unpack("!H", data[:2])[0], None) is not None
                ):
                    answered += 1
            now = time.monotonic()
            while expiry and expiry[0][0] <= now:
                _, qid, seq = expiry.popleft()
                if outstanding.get(qid) == seq:
                    del outstanding[qid]
                    lost += 1
    finally:
        sock.close()
    return answered, lost, time.monotonic() - start


def measure(
    rcvbuf: int, in_flights: list[int], queries: int, wait: float, delay_ms: int
) -> list[Run]:
    """One server with ``rcvbuf``; one run per number in flight (each on a fresh server)."""
    runs = []
    for in_flight in in_flights:
        process, address, granted = start_server(rcvbuf, delay_ms)
        try:
            answered, lost, seconds = query_load(
                address, queries, in_flight, wait + delay_ms / 1000
            )
            drops = server_drops(address[1])
        finally:
            process.terminate()
            process.wait(timeout=10)
        runs.append(Run(rcvbuf, granted, in_flight, queries, answered, lost, drops, seconds))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.dns.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--queries", type=int, default=20000, help="queries per run (20,000)")
    parser.add_argument(
        "--in-flight", type=int, action="append", help="queries in flight (200 and 1,000)"
    )
    parser.add_argument(
        "--rcvbuf",
        type=int,
        action="append",
        help=f"receive buffer to ask for, 0 = kernel default (0 and {UDP_RECEIVE_BUFFER})",
    )
    parser.add_argument("--delay-ms", type=int, default=0, help="the server's delay (0)")
    parser.add_argument("--wait", type=float, default=2.0, help="seconds before a query is lost")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setting (1)")
    args = parser.parse_args(argv)
    in_flights = args.in_flight or [200, 1000]
    print(f"{args.queries:,} UDP queries for {NAME}, server delay {args.delay_ms} ms", flush=True)
    for rcvbuf in args.rcvbuf or [0, UDP_RECEIVE_BUFFER]:
        for _ in range(args.repeat):
            for run in measure(rcvbuf, in_flights, args.queries, args.wait, args.delay_ms):
                print(run.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
