"""The lab's DNS server: gevent on UDP and TCP, a zone file, and an adjustable delay.

    python -m services.dns --host 127.0.0.1 --port 1053 --control-port 8053 \
        [--zone services/dns/lab.zone] [--delay-ms 0]

Each query is handled in its own greenlet, which sleeps the current delay before answering:
slow answers never hold up other queries. TCP follows RFC 7766: each message has a 2-byte
length prefix and a connection may carry several queries.
"""

import argparse
import signal
import struct
import sys

import gevent
import gevent.event
from gevent.lock import Semaphore
from gevent.pool import Pool
from gevent.server import DatagramServer, StreamServer

from services.wsgi import NoDelayWSGIServer

from .answer import reply_to
from .control_api import ControlApp
from .delay import MAX_DELAY_MS, Delay
from .zone import DEFAULT_ZONE_FILE, Zone

# A TCP client that sends nothing for this long is disconnected (frees the greenlet).
TCP_IDLE_TIMEOUT = 10.0
# Queries of one TCP connection answered at the same time; more wait to be read.
TCP_MAX_IN_FLIGHT = 64
# Queries (UDP) and connections (TCP) handled at once. Beyond that the server stops reading
# until one finishes, so a flood under a long delay costs bounded memory, not a crash.
MAX_UDP_IN_FLIGHT = 10000
MAX_TCP_CONNECTIONS = 1000


class DNSServer:
    """UDP and TCP DNS listeners plus the control API, started and stopped together."""

    def __init__(self, zone, delay, host="127.0.0.1", port=1053, control_port=8053):
        self.zone = zone
        self.delay = delay
        self.udp = DatagramServer((host, port), self.handle_datagram, spawn=MAX_UDP_IN_FLIGHT)
        # Port 0 means "any free port": TCP then takes the one UDP got, so both match.
        self.udp.init_socket()
        port = self.udp.address[1]
        self.tcp = StreamServer((host, port), self.handle_connection, spawn=MAX_TCP_CONNECTIONS)
        self.control = NoDelayWSGIServer((host, control_port), ControlApp(delay, zone), log=None)

    @property
    def addresses(self):
        return self.udp.address, self.control.address

    def start(self):
        self.udp.start()
        self.tcp.start()
        self.control.start()

    def stop(self, timeout=1):
        for server in (self.control, self.tcp, self.udp):
            server.stop(timeout=timeout)

    # -- handlers: one greenlet per datagram / per TCP connection ----------------------------
    def handle_datagram(self, packet, address):
        wire = reply_to(packet, self.zone, udp=True)
        if wire is None:
            return
        self._wait()
        try:
            self.udp.sendto(wire, address)
        except OSError:
            pass  # the client went away (ICMP unreachable etc.): nothing to answer

    def handle_connection(self, sock, address):
        """Read length-prefixed queries and answer each in a greenlet of its own, so that a
        client pipelining several queries on one connection waits the delay once, not once
        per query. Answers may come out of order (RFC 7766 allows it: clients match ids)."""
        sock.settimeout(TCP_IDLE_TIMEOUT)
        pending = Pool(TCP_MAX_IN_FLIGHT)  # spawn() waits when full: a bound per connection
        send_lock = Semaphore()
        try:
            while True:
                prefix = _recv_exactly(sock, 2, patient=lambda: len(pending) > 0)
                if prefix is None:
                    break
                (length,) = struct.unpack("!H", prefix)
                packet = _recv_exactly(sock, length)
                if packet is None:
                    break
                pending.spawn(self._answer_tcp, sock, send_lock, packet)
            pending.join(timeout=MAX_DELAY_MS / 1000.0 + 1)  # let answers in flight go out
        except OSError:  # includes socket.timeout: an idle or vanished client
            pass
        finally:
            pending.kill(block=False)
            sock.close()

    def _answer_tcp(self, sock, send_lock, packet):
        wire = reply_to(packet, self.zone, udp=False)
        if wire is None:
            return
        self._wait()
        with send_lock:  # one whole message at a time on the stream
            try:
                sock.sendall(struct.pack("!H", len(wire)) + wire)
            except OSError:
                pass  # the client left; the reading loop notices and closes

    def _wait(self):
        if self.delay.ms:
            gevent.sleep(self.delay.seconds)


def _recv_exactly(sock, n, patient=lambda: False):
    """``n`` bytes from ``sock``, or None if the peer closes first.

    A timeout before the first byte is forgiven while ``patient()`` is true (the client is
    quiet because it waits for answers still being delayed, not because it is idle).
    """
    chunks = []
    while n:
        try:
            chunk = sock.recv(n)
        except TimeoutError:
            if not chunks and patient():
                continue
            raise
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


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
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        delay = Delay(args.delay_ms)
    except ValueError as e:
        sys.exit("--delay-ms: %s" % e)
    zone = Zone.from_file(args.zone)
    try:
        server = DNSServer(zone, delay, args.host, args.port, args.control_port)
        server.start()
    except OSError as e:
        sys.exit(
            "cannot listen on %s port %d (DNS, udp+tcp) and %d (control): %s; choose other "
            "ports with --port / --control-port" % (args.host, args.port, args.control_port, e)
        )
    (host, port), (_, control_port) = server.addresses
    print(
        "dns listening on %s:%d udp+tcp, control API on http://%s:%d, delay %d ms"
        % (host, port, host, control_port, delay.ms),
        file=sys.stderr,
        flush=True,
    )

    stopped = gevent.event.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, stopped.set)
    stopped.wait()
    server.stop()
    print("dns stopped", file=sys.stderr, flush=True)
