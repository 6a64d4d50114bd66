"""The lab's DNS server: gevent on UDP and TCP, a zone file, and an adjustable delay.

    python -m services.dns --host 127.0.0.1 --port 1053 --control-port 8053 \
        [--zone services/dns/lab.zone] [--delay-ms 0] [--record-size 20000] \
        [--tcp-timeout 10] [--tcp-max-connections 256] [--udp-rcvbuf 4194304]

Each query is handled in its own greenlet, which sleeps the current delay before answering:
slow answers never hold up other queries. TCP follows RFC 7766: each message has a 2-byte
length prefix and a connection may carry several queries.

TCP is guarded against slow and idle clients (RFC 7766 section 6.2.3 asks for it):

- a whole message (prefix and body) must arrive within ``--tcp-timeout`` seconds of the
  moment the server starts waiting for it, however it is trickled in; a connection with
  answers still being delayed may stay quiet as long as they are pending;
- at most ``--tcp-max-connections`` connections are kept. A new one beyond that closes the
  connection that has waited longest for its next message (none of its answers pending),
  so a flood of slow or idle connections cannot lock clients out; when every connection
  has answers pending, the new one is closed instead.

UDP queries wait in the socket's receive buffer until the event loop reads them; when it is
full the kernel drops them. Each small query costs about 832 bytes of it (the kernel counts
its whole buffer, not the 40 bytes of DNS), so Linux's default (212,992 bytes) holds only
256: with 1,000 queries in flight the server lost 6 % of 20,000 (``python -m
services.dns.bench``). ``--udp-rcvbuf`` (default 4 MiB, which Linux doubles to 8 MiB for
its bookkeeping: about 10,000 queries, as many as the server handles at once, and 0 lost
at 1,000 in flight) is asked with ``SO_RCVBUFFORCE`` where allowed (root, or
CAP_NET_ADMIN), else with ``SO_RCVBUF``, which the kernel caps at ``net.core.rmem_max``
(often 212,992: then 425,984 bytes are granted, and 2.5 % were lost at 1,000 in flight).
The start line says what was granted.

Every query answered is recorded; the control API serves the record (``GET /record``, its
format in ``control_api.py``), and the server's liveness record (``GET /lab/heartbeat``).
"""

import argparse
import itertools
import socket
import struct
import sys
import time

import gevent
from gevent.lock import Semaphore
from gevent.pool import Pool
from gevent.server import DatagramServer, StreamServer

from services.serve import DEFAULT_RECORD_SIZE, Heartbeat, Record, serve_until_signal
from services.wsgi import NoDelayWSGIServer

from .answer import respond
from .control_api import ControlApp
from .delay import MAX_DELAY_MS, Delay
from .zone import DEFAULT_ZONE_FILE, Zone

# A whole TCP message must arrive within this many seconds (--tcp-timeout).
TCP_MESSAGE_TIMEOUT = 10.0
# TCP connections kept at once (--tcp-max-connections); see the module docstring.
TCP_MAX_CONNECTIONS = 256
# Queries of one TCP connection answered at the same time; more wait to be read.
TCP_MAX_IN_FLIGHT = 64
# UDP queries handled at once. Beyond that the server stops reading until one finishes, so
# a flood under a long delay costs bounded memory, not a crash.
MAX_UDP_IN_FLIGHT = 10000
# Bytes of UDP receive buffer asked for (--udp-rcvbuf; see the module docstring).
UDP_RECEIVE_BUFFER = 4 * 1024 * 1024
MAX_RECEIVE_BUFFER = 1 << 30  # setsockopt takes a C int
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux's value; Python lacks the name


def size_receive_buffer(sock, size):
    """Ask for ``size`` bytes of receive buffer (0: keep the kernel's default); returns
    what the kernel granted (``getsockopt``: Linux reports twice what was asked)."""
    if size > 0:
        try:  # past net.core.rmem_max, if this process may
            sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, size)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


def format_peer(address):
    host, port = address[:2]
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)


class _Connection:
    """What the TCP connection cap needs to know about one open connection."""

    def __init__(self, conn_id, greenlet, pending):
        self.id = conn_id
        self.greenlet = greenlet
        self.pending = pending  # the Pool of its answers in flight
        self.waiting_since = time.monotonic()  # since it began waiting for its next message

    @property
    def evictable(self):
        return len(self.pending) == 0


class DNSServer:
    """UDP and TCP DNS listeners plus the control API, started and stopped together."""

    def __init__(
        self,
        zone,
        delay,
        host="127.0.0.1",
        port=1053,
        control_port=8053,
        record=None,
        tcp_timeout=TCP_MESSAGE_TIMEOUT,
        tcp_max_connections=TCP_MAX_CONNECTIONS,
        udp_rcvbuf=UDP_RECEIVE_BUFFER,
    ):
        self.zone = zone
        self.delay = delay
        self.record = record if record is not None else Record()
        self.heartbeat = Heartbeat()
        self.tcp_timeout = tcp_timeout
        self.tcp_max_connections = tcp_max_connections
        self.connections = {}  # conn id -> _Connection
        self._conn_ids = itertools.count(1)
        self.udp = DatagramServer((host, port), self.handle_datagram, spawn=MAX_UDP_IN_FLIGHT)
        # Port 0 means "any free port": TCP then takes the one UDP got, so both match.
        self.udp.init_socket()
        self.udp_rcvbuf = size_receive_buffer(self.udp.socket, udp_rcvbuf)
        port = self.udp.address[1]
        # No spawn pool: the cap is enforced in handle_connection, which closes a connection
        # at once rather than stop accepting (a full pool would lock every client out).
        self.tcp = StreamServer((host, port), self.handle_connection)
        self.control = NoDelayWSGIServer(
            (host, control_port), ControlApp(delay, zone, self.record, self.heartbeat), log=None
        )

    @property
    def addresses(self):
        return self.udp.address, self.control.address

    def start(self):
        self.udp.start()
        self.tcp.start()
        self.control.start()
        self.heartbeat.start()

    def stop(self, timeout=1):
        self.heartbeat.stop()
        for server in (self.control, self.tcp, self.udp):
            server.stop(timeout=timeout)

    # -- handlers: one greenlet per datagram / per TCP connection ----------------------------
    def handle_datagram(self, packet, address):
        arrival = time.time()
        wire, facts = respond(packet, self.zone, udp=True)
        if wire is None:
            return
        self._wait()
        try:
            self.udp.sendto(wire, address)
            sent = time.time()
        except OSError:
            sent = None  # the client went away (ICMP unreachable etc.): nothing to answer
        self._record("udp", None, address, facts, arrival, sent)

    def handle_connection(self, sock, address):
        """Read length-prefixed queries and answer each in a greenlet of its own, so that a
        client pipelining several queries on one connection waits the delay once, not once
        per query. Answers may come out of order (RFC 7766 allows it: clients match ids)."""
        pending = Pool(TCP_MAX_IN_FLIGHT)  # spawn() waits when full: a bound per connection
        conn = _Connection(next(self._conn_ids), gevent.getcurrent(), pending)
        try:
            if not self._make_room():
                return
            self.connections[conn.id] = conn
            send_lock = Semaphore()
            while True:
                conn.waiting_since = time.monotonic()
                packet = self._read_message(sock, pending)
                if packet is None:
                    break
                arrival = time.time()
                pending.spawn(self._answer_tcp, sock, send_lock, packet, conn, address, arrival)
            pending.join(timeout=MAX_DELAY_MS / 1000.0 + 1)  # let answers in flight go out
        except OSError:  # includes socket.timeout: a slow, idle or vanished client
            pass
        finally:
            self.connections.pop(conn.id, None)
            pending.kill(block=False)
            sock.close()

    def _make_room(self):
        """Below the cap, or made so by closing the connection that waited longest for its
        next message; False when every connection has answers pending."""
        if len(self.connections) < self.tcp_max_connections:
            return True
        idle = [c for c in self.connections.values() if c.evictable]
        if not idle:
            return False
        victim = min(idle, key=lambda c: c.waiting_since)
        del self.connections[victim.id]
        victim.greenlet.kill(block=False)  # its finally closes the socket
        return True

    def _read_message(self, sock, pending):
        """One DNS message from the stream, or None if the client closed between messages.

        The whole message must arrive within ``tcp_timeout`` (else TimeoutError); waiting
        for its first byte is not counted while the connection has answers pending.
        """
        deadline = time.monotonic() + self.tcp_timeout
        while True:
            try:
                prefix = _recv_until(sock, 2, deadline)
                break
            except TimeoutError as e:
                if e.args == ("nothing",) and len(pending) > 0:
                    deadline = time.monotonic() + self.tcp_timeout
                    continue
                raise
        if prefix is None:
            return None
        (length,) = struct.unpack("!H", prefix)
        packet = _recv_until(sock, length, deadline)
        if packet is None:
            raise ConnectionResetError("closed in the middle of a message")
        return packet

    def _answer_tcp(self, sock, send_lock, packet, conn, address, arrival):
        wire, facts = respond(packet, self.zone, udp=False)
        if wire is None:
            return
        self._wait()
        with send_lock:  # one whole message at a time on the stream
            try:
                sock.sendall(struct.pack("!H", len(wire)) + wire)
                sent = time.time()
            except OSError:
                sent = None  # the client left; the reading loop notices and closes
        self._record("tcp", conn.id, address, facts, arrival, sent)

    def _record(self, transport, conn_id, address, facts, arrival, sent):
        self.record.add(
            transport=transport,
            conn=conn_id,
            peer=format_peer(address),
            arrival=arrival,
            sent=sent,
            **facts,
        )

    def _wait(self):
        if self.delay.ms:
            gevent.sleep(self.delay.seconds)


def _recv_until(sock, n, deadline):
    """``n`` bytes from ``sock`` before ``deadline`` (monotonic), or None if the peer closes
    before sending any. TimeoutError("nothing") when the time ran out before the first byte,
    TimeoutError("partial") after some; ConnectionResetError if it closes midway."""
    chunks: list[bytes] = []
    got = 0
    while got < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("partial" if chunks else "nothing")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(n - got)
        except TimeoutError:
            raise TimeoutError("partial" if chunks else "nothing") from None
        if not chunk:
            if chunks:
                raise ConnectionResetError("closed in the middle of a message")
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a number of seconds > 0, got %r" % text)
    return value


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, got %r" % text)
    return value


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m services.dns", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=1053,
        help="DNS port, UDP and TCP (default 1053; 0 = any free port)",
    )
    p.add_argument(
        "--control-port", type=int, default=8053, help="control API port (default 8053; 0 = any)"
    )
    p.add_argument(
        "--zone", default=DEFAULT_ZONE_FILE, help="BIND-format zone file (default: the lab's)"
    )
    p.add_argument(
        "--delay-ms",
        type=int,
        default=0,
        help="delay before each answer, ms (0..%d)" % MAX_DELAY_MS,
    )
    p.add_argument(
        "--record-size",
        type=_positive_int,
        default=DEFAULT_RECORD_SIZE,
        help="queries kept in the record the control API serves (default %d)" % DEFAULT_RECORD_SIZE,
    )
    p.add_argument(
        "--tcp-timeout",
        type=_positive_float,
        default=TCP_MESSAGE_TIMEOUT,
        help="seconds a whole TCP message may take to arrive (default %g)" % TCP_MESSAGE_TIMEOUT,
    )
    p.add_argument(
        "--tcp-max-connections",
        type=_positive_int,
        default=TCP_MAX_CONNECTIONS,
        help="TCP connections kept at once (default %d)" % TCP_MAX_CONNECTIONS,
    )
    p.add_argument(
        "--udp-rcvbuf",
        type=int,
        default=UDP_RECEIVE_BUFFER,
        help="bytes of UDP receive buffer to ask for (default %d; 0 = the kernel's default)"
        % UDP_RECEIVE_BUFFER,
    )
    args = p.parse_args(argv)
    if not 0 <= args.udp_rcvbuf <= MAX_RECEIVE_BUFFER:
        p.error("--udp-rcvbuf must be from 0 to %d bytes" % MAX_RECEIVE_BUFFER)
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        delay = Delay(args.delay_ms)
    except ValueError as e:
        sys.exit("--delay-ms: %s" % e)
    zone = Zone.from_file(args.zone)
    try:
        server = DNSServer(
            zone,
            delay,
            args.host,
            args.port,
            args.control_port,
            record=Record(args.record_size),
            tcp_timeout=args.tcp_timeout,
            tcp_max_connections=args.tcp_max_connections,
            udp_rcvbuf=args.udp_rcvbuf,
        )
        server.start()
    except OSError as e:
        sys.exit(
            "cannot listen on %s port %d (DNS, udp+tcp) and %d (control): %s; choose other "
            "ports with --port / --control-port" % (args.host, args.port, args.control_port, e)
        )
    (host, port), (_, control_port) = server.addresses
    print(
        "dns listening on %s:%d udp+tcp, control API on http://%s:%d, delay %d ms, "
        "udp receive buffer %d bytes"
        % (host, port, host, control_port, delay.ms, server.udp_rcvbuf),
        file=sys.stderr,
        flush=True,
    )
    serve_until_signal(server)
    print("dns stopped", file=sys.stderr, flush=True)
