"""``make bench``: how close this server comes to Toxiproxy's numbers, measured now.

Starts its own server (``launch.start()``: ``python -m services.toxiproxy -port 0``) and a gevent upstream in
another process (echo and bulk-data ports), then measures each metric through a proxy and
directly against the upstream in the same run, and prints a table with targets and
PASS/MISS. ``--other URL`` measures another Toxiproxy API the same way (its proxies must
reach this upstream: see ``--upstream-bind`` and ``--upstream-host``) in a second column.
The client side runs on gevent in this process.

``--flood N`` measures only what a flood into one proxy does to another: N connections
opened into proxy ``bench_flood`` and held (its upstream keeps them open), while a 64-byte
round trip through proxy ``bench_echo`` and a ``GET /version`` are timed every 50 ms. It
prints the links each proxy kept and refused, the server's open files and RSS, and how long
the other proxy and the API took to answer (and how often they did not, within 2 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import gevent
import requests
from gevent import socket
from gevent import subprocess as gsubprocess
from gevent.server import StreamServer

from . import launch
from .link import connect

ROUND_TRIPS = 2000  # samples of the no-toxic added latency
LATENCY_SAMPLES = 30  # round trips through the 100 ms latency toxic
BANDWIDTH_BYTES = 1_048_576  # 1 MB through the 100 KB/s bandwidth toxic (~10.5 s)
THROUGHPUT_BYTES = 512 * 1024 * 1024
CONNECTIONS = 1000
SLICER_BYTES = 256 * 1024  # through slicer average_size 64, delay 10 us
HELD_CONNECTIONS = 5000  # open at once under a latency toxic, for memory per connection
FD_LIMIT = 20000
FLOOD_PROBE_TIMEOUT = 2.0
FLOOD_HOLD_S = 5.0  # the flood stays open this long after the last connection
MESSAGE = b"m" * 64
CHUNK = 1024 * 1024


# -- the upstream (runs in its own process) ------------------------------------------
def _echo(sock, _address):
    try:
        while data := sock.recv(65536):
            sock.sendall(data)
    except OSError:
        pass
    finally:
        sock.close()


def _source(sock, _address):
    """Reads a byte count and a newline, sends that many bytes, closes."""
    try:
        line = b""
        while not line.endswith(b"\n"):
            part = sock.recv(64)
            if not part:
                return
            line += part
        left = int(line)
        block = memoryview(bytes(CHUNK))
        while left > 0:
            n = min(left, CHUNK)
            sock.sendall(block[:n])
            left -= n
    except (OSError, ValueError):
        pass
    finally:
        sock.close()


def _listener(host: str):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(4096)
    return sock


def serve_upstream(host: str) -> None:
    """Serve echo and source ports; print them; run until stdin closes."""
    servers = [StreamServer(_listener(host), handler) for handler in (_echo, _source)]
    for server in servers:
        server.start()
    print(" ".join(str(s.server_port) for s in servers), flush=True)
    from gevent.fileobject import FileObjectThread

    FileObjectThread(sys.stdin).read()


# -- the client ------------------------------------------------------------------------
def dial(address: tuple[str, int]):
    sock = connect(f"{address[0]}:{address[1]}")  # numeric: no resolver thread per dial
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exactly(sock, size: int) -> None:
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise ConnectionError("closed early")
        got += n


def round_trips(address, count: int) -> list[float]:
    """Seconds per 64-byte echo round trip on one kept-alive connection."""
    times = []
    with dial(address) as sock:
        for _ in range(count):
            start = time.perf_counter()
            sock.sendall(MESSAGE)
            recv_exactly(sock, len(MESSAGE))
            times.append(time.perf_counter() - start)
    return times


def download(address, size: int) -> float:
    """Seconds to receive ``size`` bytes from the source port."""
    with dial(address) as sock:
        buf = bytearray(CHUNK)
        start = time.perf_counter()
        sock.sendall(b"%d\n" % size)
        got = 0
        while got < size:
            n = sock.recv_into(buf)
            if not n:
                raise ConnectionError(f"closed after {got} bytes")
            got += n
        return time.perf_counter() - start


def many_connections(address, count: int) -> float:
    """Wall seconds for ``count`` concurrent connections to connect and echo once."""

    def one():
        with dial(address) as sock:
            sock.sendall(MESSAGE)
            recv_exactly(sock, len(MESSAGE))

    start = time.perf_counter()
    jobs = [gevent.spawn(one) for _ in range(count)]
    gevent.joinall(jobs, raise_error=True)
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- one Toxiproxy API under test --------------------------------------------------------
@dataclass
class Target:
    """A Toxiproxy API and the two proxies the bench makes on it."""

    api: str
    upstream_host: str
    listen_host: str = "127.0.0.1"
    pid: int | None = None  # the server's process, for its RSS (None: not measurable)
    proxies: dict = field(default_factory=dict)

    def create(self, name: str, upstream_port: int) -> tuple[str, int]:
        requests.delete(f"{self.api}/proxies/{name}", timeout=10)
        response = requests.post(
            f"{self.api}/proxies",
            timeout=10,
            json={
                "name": name,
                "listen": f"{self.listen_host}:0",
                "upstream": f"{self.upstream_host}:{upstream_port}",
            },
        )
        response.raise_for_status()
        host, _, port = response.json()["listen"].rpartition(":")
        host = host.strip("[]")
        if host in ("0.0.0.0", "::", ""):
            host = self.api.split("//", 1)[1].rsplit(":", 1)[0]
        self.proxies[name] = (host, int(port))
        return self.proxies[name]

    def toxic(self, proxy: str, kind: str, **attributes) -> None:
        response = requests.post(
            f"{self.api}/proxies/{proxy}/toxics",
            timeout=10,
            json={"type": kind, "name": "bench", "attributes": attributes},
        )
        response.raise_for_status()

    def clear(self, proxy: str) -> None:
        requests.delete(f"{self.api}/proxies/{proxy}/toxics/bench", timeout=10)

    def cleanup(self) -> None:
        for name in self.proxies:
            requests.delete(f"{self.api}/proxies/{name}", timeout=10)


def rss_kib(pid: int | None) -> int | None:
    """Resident memory of ``pid`` in KiB, from psutil (None if unknown or unreadable)."""
    if pid is None:
        return None
    import psutil  # the benchmark runs on the host only: the images do not need psutil

    try:
        return psutil.Process(pid).memory_info().rss // 1024
    except psutil.Error:
        return None


def raise_fd_limit(wanted: int = FD_LIMIT) -> int:
    """This process's soft RLIMIT_NOFILE up to ``wanted`` (capped by the hard limit)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def hold_connections(address, count: int, batch: int = 500) -> list:
    """``count`` connections that each echoed once, left open (in batches: accept queues)."""
    held: list = []

    def one():
        sock = dial(address)
        held.append(sock)
        sock.sendall(MESSAGE)
        recv_exactly(sock, len(MESSAGE))

    try:
        for start in range(0, count, batch):
            jobs = [gevent.spawn(one) for _ in range(min(batch, count - start))]
            gevent.joinall(jobs, raise_error=True)
    except BaseException:
        for sock in held:
            sock.close()
        raise
    return held


def memory_per_connection(target: Target, echo, count: int) -> dict:
    """Server RSS with no client connection, then with ``count`` open under latency."""
    r: dict = {}
    if rss_kib(target.pid) is None:
        return r
    limit = raise_fd_limit()
    if limit < count + 100:
        print(f"  (open files limit {limit}: {count} connections need more)", flush=True)
        return r
    gevent.sleep(1.0)  # earlier connections finish closing
    r["rss_0_mib"] = (rss_kib(target.pid) or 0) / 1024
    target.toxic("bench_echo", "latency", latency=10)
    try:
        held = hold_connections(echo, count)
        gevent.sleep(0.5)
        r["rss_n_mib"] = (rss_kib(target.pid) or 0) / 1024
        r["conn_kb"] = (r["rss_n_mib"] - r["rss_0_mib"]) * 1024 * 1024 / count / 1000
        for sock in held:
            sock.close()
    finally:
        target.clear("bench_echo")
    return r


def open_files(pid: int | None) -> int | None:
    """How many file descriptors ``pid`` holds (None if unknown)."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd")) if pid is not None else None
    except OSError:
        return None


def flood(target: Target, echo_port: int, count: int) -> dict:
    """Hold ``count`` connections into a proxy while timing another (see --flood). The
    flood comes from a child process, so that this process's loop times only the probes."""
    flooded = target.create("bench_flood", echo_port)
    other = target.create("bench_echo", echo_port)
    samples: list[float] = []
    api_samples: list[float] = []
    failures = {"proxy": 0, "api": 0}
    peak = {"fds": 0, "rss_mib": 0.0}

    def probe() -> None:
        while True:
            start = time.perf_counter()
            try:
                with gevent.Timeout(FLOOD_PROBE_TIMEOUT):
                    round_trips(other, 1)
                samples.append(time.perf_counter() - start)
            except (OSError, gevent.Timeout):
                failures["proxy"] += 1
            start = time.perf_counter()
            try:
                with gevent.Timeout(FLOOD_PROBE_TIMEOUT):
                    api_get(target.api, "/version")
                api_samples.append(time.perf_counter() - start)
            except (OSError, ValueError, gevent.Timeout):
                failures["api"] += 1
            peak["fds"] = max(peak["fds"], open_files(target.pid) or 0)
            peak["rss_mib"] = max(peak["rss_mib"], (rss_kib(target.pid) or 0) / 1024)
            gevent.sleep(0.05)

    holder = gsubprocess.Popen(
        [sys.executable, "-m", "services.toxiproxy.bench", "--hold", "%s:%d" % flooded]
        + [str(count)],
        cwd=launch.REPO_ROOT,
        stdin=gsubprocess.PIPE,
        stdout=gsubprocess.PIPE,
        text=True,
    )
    prober = gevent.spawn(probe)
    try:
        opened = holder.stdout.readline().split()  # "opened N failed M seconds S"
        gevent.sleep(FLOOD_HOLD_S)
        links = lab_links(target.api)
    finally:
        prober.kill()
        holder.stdin.close()
        holder.wait(timeout=30)
        target.cleanup()
    r = {
        "flood": count,
        "flood_opened": int(opened[1]),
        "flood_failed": int(opened[3]),
        "flood_open_s": float(opened[5]),
        "peak_fds": peak["fds"],
        "peak_rss_mib": peak["rss_mib"],
        "probe_failures": failures["proxy"],
        "api_failures": failures["api"],
        "probe_n": len(samples) + failures["proxy"],
        "api_n": len(api_samples) + failures["api"],
    }
    r.update({f"flood_{k}": v for k, v in links.get("bench_flood", {}).items()})
    if samples:
        r["probe_p50_ms"] = statistics.median(samples) * 1000
        r["probe_max_ms"] = max(samples) * 1000
    if api_samples:
        r["api_p50_ms"] = statistics.median(api_samples) * 1000
        r["api_max_ms"] = max(api_samples) * 1000
    return r


def api_get(api: str, path: str) -> bytes:
    """One GET on a new gevent connection (requests would block this process's loop)."""
    host, port = api.split("//", 1)[1].rsplit(":", 1)
    with dial((host.strip("[]"), int(port))) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        answer = b""
        while part := sock.recv(65536):
            answer += part
    if not answer.startswith(b"HTTP/1.") or b" 200 " not in answer.split(b"\r\n", 1)[0]:
        raise ValueError(f"GET {path}: {answer[:60]!r}")
    return answer


def hold(address: str, count: int, batch: int = 500, wait: float = 2.0) -> None:
    """The flood (a child process, plain sockets): connect ``count`` times, ``batch`` at a
    time (a connection not made within ``wait`` seconds fails), print what it got, and
    keep every connection open until stdin closes."""
    import selectors
    import socket as std_socket

    host, port = address.rsplit(":", 1)
    held, failed = [], 0
    start = time.perf_counter()
    for first in range(0, count, batch):
        pending = []
        with selectors.DefaultSelector() as selector:
            for _ in range(min(batch, count - first)):
                sock = std_socket.socket(std_socket.AF_INET, std_socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.connect_ex((host, int(port)))
                selector.register(sock, selectors.EVENT_WRITE, sock)
                pending.append(sock)
            deadline = time.monotonic() + wait
            while pending and time.monotonic() < deadline:
                for key, _ in selector.select(deadline - time.monotonic()):
                    done: std_socket.socket = key.data
                    selector.unregister(done)
                    pending.remove(done)
                    if done.getsockopt(std_socket.SOL_SOCKET, std_socket.SO_ERROR):
                        done.close()
                        failed += 1
                    else:
                        held.append(done)
        for sock in pending:
            sock.close()
            failed += 1
    print(f"opened {len(held)} failed {failed} seconds {time.perf_counter() - start:.2f}")
    sys.stdout.flush()
    sys.stdin.read()


def lab_links(api: str) -> dict:
    """Each proxy's live and refused links from this server's ``/lab/heartbeat`` ({} from
    a server without it, e.g. Toxiproxy)."""
    try:
        return requests.get(f"{api}/lab/heartbeat", timeout=5).json().get("proxies", {})
    except (requests.RequestException, ValueError, AttributeError):
        return {}


def print_flood(name: str, r: dict) -> None:
    print(
        f"{name}: {r['flood']:,} connections into bench_flood in {r['flood_open_s']:.1f} s"
        f" ({r['flood_opened']:,} connected, {r['flood_failed']:,} reset or not connected"
        f" within 2 s);"
        f" it kept {r.get('flood_links', 'n/a')} links and refused {r.get('flood_refused', 'n/a')}"
    )
    print(f"  server at its peak: {r['peak_fds']:,} open files, {r['peak_rss_mib']:.0f} MiB RSS")
    for what, key, failed in (
        ("round trip through bench_echo", "probe", "probe_failures"),
        ("GET /version", "api", "api_failures"),
    ):
        times = (
            f"p50 {r[key + '_p50_ms']:.1f} ms, max {r[key + '_max_ms']:.1f} ms"
            if key + "_p50_ms" in r
            else "never answered"
        )
        print(
            f"  {what}: {times}; {r[failed]} of {r[key + '_n']} not answered within"
            f" {FLOOD_PROBE_TIMEOUT:g} s"
        )


def api_call_ms(api: str, count: int = 200) -> float:
    with requests.Session() as session:
        times = []
        for _ in range(count):
            start = time.perf_counter()
            session.get(f"{api}/proxies", timeout=10)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(
    target: Target, echo_port: int, source_port: int, host: str, quick: bool = False
) -> dict:
    """Every metric through ``target``'s proxies, with the direct baseline of the same run
    (``quick``: only the slicer and memory lines)."""
    echo = target.create("bench_echo", echo_port)
    source = target.create("bench_source", source_port)
    direct_echo, direct_source = (host, echo_port), (host, source_port)
    r = {}
    idle = rss_kib(target.pid)
    if idle is not None:
        r["rss_idle_mib"] = idle / 1024
    try:
        if not quick:
            round_trips(echo, 100)  # warm up both paths
            round_trips(direct_echo, 100)
            direct, proxied = [], []
            for _ in range(20):  # interleaved blocks: machine noise hits both sides alike
                direct += round_trips(direct_echo, ROUND_TRIPS // 20)
                proxied += round_trips(echo, ROUND_TRIPS // 20)
            r["added_p50_ms"] = (percentile(proxied, 0.5) - percentile(direct, 0.5)) * 1000
            r["added_p99_ms"] = (percentile(proxied, 0.99) - percentile(direct, 0.99)) * 1000

            target.toxic("bench_echo", "latency", latency=100)
            toxic = round_trips(echo, LATENCY_SAMPLES)
            target.clear("bench_echo")
            r["latency_ms"] = (statistics.median(toxic) - statistics.median(direct)) * 1000

            target.toxic("bench_source", "bandwidth", rate=100)
            seconds = download(source, BANDWIDTH_BYTES)
            target.clear("bench_source")
            r["bandwidth_kbs"] = BANDWIDTH_BYTES / seconds / 1000

            r["direct_mbs"] = THROUGHPUT_BYTES / download(direct_source, THROUGHPUT_BYTES) / 1e6
            r["throughput_mbs"] = THROUGHPUT_BYTES / download(source, THROUGHPUT_BYTES) / 1e6

            many_connections(echo, CONNECTIONS)  # warm up: greenlets, buffers, accept queues
            gevent.sleep(1.0)  # let the warm-up's connections finish closing everywhere
            r["direct_conns_s"] = many_connections(direct_echo, CONNECTIONS)
            gevent.sleep(1.0)
            target.toxic("bench_echo", "latency", latency=200)
            r["conns_s"] = many_connections(echo, CONNECTIONS)
            target.clear("bench_echo")
            r["api_ms"] = api_call_ms(target.api)

        target.toxic("bench_source", "slicer", average_size=64, size_variation=0, delay=10)
        r["slicer_s"] = download(source, SLICER_BYTES)
        target.clear("bench_source")

        r.update(memory_per_connection(target, echo, HELD_CONNECTIONS))
    finally:
        target.cleanup()
    return r


# -- the report ------------------------------------------------------------------------
ROWS = [
    # key, label, target text, pass test, format
    ("added_p50_ms", "added latency, no toxic, p50", "< 0.2 ms", lambda v: v < 0.2, "{:.3f} ms"),
    ("added_p99_ms", "added latency, no toxic, p99", "(info)", None, "{:.3f} ms"),
    (
        "latency_ms",
        "latency toxic 100 ms, measured",
        "100 +/- 5 ms",
        lambda v: abs(v - 100) <= 5,
        "{:.1f} ms",
    ),
    (
        "bandwidth_kbs",
        "bandwidth toxic 100 KB/s, 1 MB",
        "100 +/- 10 %",
        lambda v: abs(v - 100) <= 10,
        "{:.1f} KB/s",
    ),
    ("throughput_mbs", "throughput, no toxic", ">= 300 MB/s", lambda v: v >= 300, "{:.0f} MB/s"),
    ("direct_mbs", "  (direct, same run)", "", None, "{:.0f} MB/s"),
    ("conns_s", "1,000 conns through 200 ms", "< 1 s", lambda v: v < 1.0, "{:.3f} s"),
    ("direct_conns_s", "  (direct, same run)", "", None, "{:.3f} s"),
    ("api_ms", "API call GET /proxies, p50", "(info)", None, "{:.2f} ms"),
    # Toxiproxy 2.12 took 0.57 s here: the target is 1.25x that
    ("slicer_s", "256 KiB via slicer 64 B / 10 us", "<= 0.71 s", lambda v: v <= 0.71, "{:.3f} s"),
    ("rss_idle_mib", "RSS idle (fresh server)", "(info)", None, "{:.1f} MiB"),
    ("rss_0_mib", "RSS, 0 client connections", "(info)", None, "{:.1f} MiB"),
    ("rss_n_mib", "RSS, 5,000 conns (latency)", "(info)", None, "{:.1f} MiB"),
    # Toxiproxy 2.12: ~29 KB per connection
    ("conn_kb", "  memory per connection", "<= 30 KB", lambda v: v <= 30, "{:.1f} KB"),
]


def cell(row, results: dict) -> str:
    key, _, _, check, fmt = row
    if key not in results:
        return "n/a" if key.startswith(("rss", "conn_kb")) else "-"
    text = fmt.format(results[key])
    if check is not None:
        text += "  PASS" if check(results[key]) else "  MISS"
    return text


def report(columns: dict[str, dict]) -> str:
    names = list(columns)
    lines = [f"{'metric':34} {'target':14} " + " ".join(f"{n:22}" for n in names)]
    lines.append("-" * len(lines[0]))
    for row in ROWS:
        cells = " ".join(f"{cell(row, columns[n]):22}" for n in names)
        lines.append(f"{row[1]:34} {row[2]:14} {cells}")
    return "\n".join(lines)


def run_floods(args: argparse.Namespace, ours: Target, echo_port: int, local: str) -> int:
    print_flood(f"this server ({ours.api})", flood(ours, echo_port, args.flood))
    if args.other:
        other = Target(
            args.other.rstrip("/"), args.upstream_host, args.other_listen_host, args.other_pid
        )
        print_flood(f"other ({other.api})", flood(other, echo_port, args.flood))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.toxiproxy.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--other", help="another Toxiproxy API to compare, e.g. http://host:8474")
    parser.add_argument(
        "--upstream-bind",
        default="127.0.0.1",
        help="address the bench's upstream binds (0.0.0.0 for a container)",
    )
    parser.add_argument(
        "--upstream-host",
        default="127.0.0.1",
        help="host the other server's proxies use to reach the upstream",
    )
    parser.add_argument(
        "--other-listen-host", default="127.0.0.1", help="host the other server's proxies listen on"
    )
    parser.add_argument(
        "--other-pid",
        type=int,
        help="PID of the other server on this machine, to read its RSS (else n/a)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="only the slicer and memory-per-connection lines"
    )
    parser.add_argument(
        "--flood",
        type=int,
        metavar="N",
        help="only the flood: N connections held into one proxy while another is timed",
    )
    parser.add_argument("--serve-upstream", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hold", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hold:
        hold(args.hold[0], int(args.hold[1]))
        return 0
    if args.serve_upstream:
        serve_upstream(args.upstream_bind)
        return 0

    raise_fd_limit()  # before the upstream starts: it inherits the limit
    upstream = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "services.toxiproxy.bench",
            "--serve-upstream",
            "--upstream-bind",
            args.upstream_bind,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert upstream.stdout is not None and upstream.stdin is not None  # both are PIPEs
    # under $TOXIPROXY_PYTHON if set; the memory line holds HELD_CONNECTIONS through one
    # proxy, past its default cap (the flood measures that default)
    server = launch.start(
        *([] if args.flood else ["-max-links", str(HELD_CONNECTIONS + CONNECTIONS)])
    )
    api = server.url
    try:
        echo_port, source_port = map(int, upstream.stdout.readline().split())
        local = "127.0.0.1" if args.upstream_bind in ("0.0.0.0", "") else args.upstream_bind
        columns = {}
        ours = Target(api, local, pid=server.pid)
        if args.flood:
            return run_floods(args, ours, echo_port, local)
        print(f"measuring this server ({api}) ...", flush=True)
        columns["this server"] = measure(ours, echo_port, source_port, local, args.quick)
        if args.other:
            print(f"measuring {args.other} ...", flush=True)
            other = Target(
                args.other.rstrip("/"), args.upstream_host, args.other_listen_host, args.other_pid
            )
            columns["other"] = measure(other, echo_port, source_port, local, args.quick)
        print(report(columns))
    finally:
        server.stop()
        upstream.stdin.close()
        upstream.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
