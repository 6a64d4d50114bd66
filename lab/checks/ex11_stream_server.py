"""Grading spec of exercise 11: the learner's StreamServer serves many clients at once.

The grader picks a free port and creates a latency proxy in front of it (``ctx.make_proxy``);
in the learner's process ``run`` builds the learner's server on that port and starts it, and
while it serves, the grader's *own* clients (``drive``, threads in the grader's process)
connect M at once through the proxy, each sending K random requests one after another
(UPPER of random words, SUM of random integers, a SUM of non-numbers, an unknown command)
and reading each answer. Answers are checked against the protocol; the times are the
grader's clients': nothing the learner's process reports is needed to judge it.

Numbers: server work ``delay`` = 100 ms per request, proxy latency L = 50 ms, M = 16
clients, K = 3 requests each. A client needs at least K x (delay + L) = 0.45 s: the floor.
A server that serves one request at a time needs at least M x K x delay = 4.8 s. That is
>10x the floor; the shared rule accepts up to 1.4 s.

Concurrency from outside: an answer that reached a client at ``a`` was written by the server
at ``a - L``, after ``delay`` of work, so the server was busy with that request during
``[a - L - delay, a - L]``. How many of those windows overlap is how many requests the
server served at once (at least): 16 for a server that serves every client at once.
"""

from lab.checks._common import token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

DELAY_S = 0.1
LATENCY_MS = 50
CLIENTS = 16
REQUESTS = 3
REPLY_TIMEOUT_S = 10  # per answer: a server that never answers fails readably, not by limit
EXTRA_PROXIES = True  # setup makes proxies of its own (lab.grading.side_proxy)


def setup(ctx):
    from lab.net import free_port

    port = free_port(ctx.cfg.host)
    proxy = ctx.make_proxy(f"{ctx.cfg.host}:{port}", LATENCY_MS)
    clients = [[request_line(ctx.rng, i) for i in range(REQUESTS)] for _ in range(CLIENTS)]
    return {
        "host": ctx.cfg.host,
        "port": port,
        "proxy": proxy,
        "delay": DELAY_S,
        "clients": clients,
    }


def request_line(rng, i: int) -> str:
    """A random request; every client gets at least one UPPER and one SUM."""
    kind = ("UPPER", "SUM")[i] if i < 2 else rng.choice(["UPPER", "SUM", "SUM?", "???"])
    if kind == "UPPER":
        return "UPPER " + " ".join(token(rng, rng.randint(3, 8)) for _ in range(rng.randint(1, 4)))
    if kind == "SUM":
        return "SUM " + " ".join(str(rng.randint(-999, 9999)) for _ in range(rng.randint(1, 5)))
    if kind == "SUM?":
        return f"SUM {rng.randint(1, 9)} {token(rng, 3)}"
    return f"{token(rng, 5).upper()} {token(rng, 4)}"


def expected_answer(line: str) -> str | None:
    """The protocol's answer to ``line``; None where any ``ERR ...`` will do."""
    command, _, argument = line.partition(" ")
    if command == "UPPER":
        return argument.upper()
    if command == "SUM":
        try:
            return str(sum(int(n) for n in argument.split()))
        except ValueError:
            return None
    return None


def run(module, case):
    """In the learner's process: start the learner's server and serve until the grader's
    clients are done (the grader says when)."""
    from lab.grading.inside import channel

    timeline = Timeline()
    module.answer = timeline.wrap(module.answer)
    server = module.make_server(case["host"], case["port"], case["delay"])
    if not hasattr(server, "start") or getattr(server, "started", False):
        raise GradeFailure(t("ex11.not_server"))
    server.start()
    try:
        timed(channel.wait, cooperative=True)
    finally:
        server.stop(timeout=1)
    return {}


# -- the grader's clients ----------------------------------------------------------------
def drive(ctx, case):
    """In the grader's process, while the learner's server runs: every client at once, each
    on its own connection through the proxy. Per client: its answers and, per request, when
    it was sent and answered (grader clock), or how it failed."""
    import threading

    results: list = [None] * len(case["clients"])
    threads = [
        threading.Thread(target=_client, args=(case["proxy"], lines, results, i), daemon=True)
        for i, lines in enumerate(case["clients"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REPLY_TIMEOUT_S * REQUESTS + 5)
    return results


def _client(proxy: str, lines: list[str], results: list, i: int) -> None:
    import socket
    import time

    host, _, port = proxy.rpartition(":")
    done: dict = {"answers": [], "times": [], "failure": None}
    results[i] = done
    try:
        with socket.create_connection((host, int(port)), timeout=REPLY_TIMEOUT_S) as conn:
            reader = conn.makefile("rb")
            for line in lines:
                sent = time.monotonic()
                conn.sendall(line.encode() + b"\n")
                got = reader.readline()
                if not got:
                    done["failure"] = {"kind": "closed", "line": line}
                    return
                done["answers"].append(got.decode(errors="replace").rstrip("\r\n"))
                done["times"].append([sent, time.monotonic()])
    except TimeoutError:
        done["failure"] = {"kind": "timeout", "line": lines[len(done["answers"])]}
    except OSError as exc:
        done["failure"] = {"kind": "error", "line": "", "error": f"{type(exc).__name__}: {exc}"}


def verify(ctx, case, observed, seen):
    from lab.grading.evidence import Lane

    clients = seen.driven
    if isinstance(clients, Exception):
        raise clients
    call = seen.span()
    for n, (lines, client) in enumerate(zip(case["clients"], clients)):
        check_client(n, lines, client)
    latency = LATENCY_MS / 1000
    served = [
        Lane(line, answered - latency - case["delay"], answered - latency, "grader")
        for lines, client in zip(case["clients"], clients)
        for line, (_, answered) in zip(lines, client["times"])
    ]
    per_client = REQUESTS * (case["delay"] + latency)
    elapsed = max(a for c in clients for _, a in c["times"]) - min(
        s for c in clients for s, _ in c["times"]
    )
    speed = rules.require_concurrent(
        elapsed,
        units=CLIENTS * REQUESTS,
        unit_cost=case["delay"],
        floor=per_client,
        lanes=served,
        suggestion=t("ex11.suggest"),
        what="answers",
        by="grader",
    )
    in_flight = rules.require_in_flight(
        served,
        len(case["clients"]),
        "answers",
        t("speed.all_at_once", n=len(case["clients"])),
        calls=call.units,
        suggestion=t("ex11.suggest"),
    )
    measures = [in_flight, speed]
    return measures


def check_client(n: int, lines: list[str], client: dict | None) -> None:
    """One client's conversation: every line answered, each answer right."""
    if not client:
        raise GradeFailure(_failure_text(n, {"kind": "error", "error": "no answer at all"}))
    if client["failure"] is not None:
        raise GradeFailure(_failure_text(n, client["failure"]))
    for line, got in zip(lines, client["answers"]):
        check_answer(line, got)


def _failure_text(n: int, failure: dict) -> str:
    if failure["kind"] == "timeout":
        return t("ex11.client_timeout", n=n, line=repr(failure["line"]), seconds=REPLY_TIMEOUT_S)
    if failure["kind"] == "closed":
        return t("ex11.client_closed", n=n, line=repr(failure["line"]))
    return t("ex11.client_error", n=n, error=failure.get("error", "?"))


def check_answer(line: str, got: str) -> None:
    want = expected_answer(line)
    if want is None:
        if not got.startswith("ERR"):
            raise GradeFailure(t("ex11.want_err", line=repr(line), got=repr(got)))
    elif got != want:
        raise GradeFailure(t("ex11.answer", line=repr(line), want=repr(want), got=repr(got)))
