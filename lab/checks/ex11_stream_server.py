"""Grading spec of exercise 11: the learner's StreamServer serves many clients at once.

The grader picks a free port and creates a latency proxy in front of it (``ctx.make_proxy``);
in the learner's process ``run`` builds the learner's server on that port, starts it and
connects M clients at once through the proxy, each sending K random requests one after
another (UPPER of random words, SUM of random integers, a SUM of non-numbers, an unknown
command) and reading each answer. Answers are checked against the protocol.

Numbers: server work ``delay`` = 100 ms per request, proxy latency L = 50 ms, M = 16
clients, K = 3 requests each. A client needs at least K x (delay + L) = 0.45 s: the floor.
A server that serves one request at a time needs at least M x K x delay = 4.8 s. That is
>10x the floor; the shared rule accepts up to 2.6 s.
"""

from lab.checks._common import timed, token
from lab.grading.contract import GradeFailure
from lab.i18n import t

DELAY_S = 0.1
LATENCY_MS = 50
CLIENTS = 16
REQUESTS = 3
REPLY_TIMEOUT_S = 10  # per answer: a server that never answers fails readably, not by limit


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

    import gevent
    from gevent import socket

    from lab.grading.timeline import Timeline

    def client(lines):
        host, port = case["proxy"].rsplit(":", 1)
        answers = []
        with socket.create_connection((host, int(port)), timeout=REPLY_TIMEOUT_S) as conn:
            f = conn.makefile("rwb")
            for line in lines:
                f.write(line.encode() + b"\n")
                f.flush()
                try:
                    answers.append(f.readline().decode(errors="replace").rstrip("\r\n"))
                except socket.timeout:
                    answers.append(None)
        return answers

    timeline = Timeline()
    module.answer = timeline.wrap(module.answer)
    server = module.make_server(case["host"], case["port"], case["delay"])
    if not hasattr(server, "start") or getattr(server, "started", False):
        raise GradeFailure(t("ex11.not_server"))
    server.start()
    try:

        def serve_clients():
            jobs = [gevent.spawn(client, lines) for lines in case["clients"]]
            gevent.joinall(jobs)
            return jobs

        jobs = timed(serve_clients)
    finally:
        server.stop(timeout=1)
    return {
        "answers": [
            job.value if job.successful() else f"client failed: {job.exception!r}" for job in jobs
        ],
    }


def verify(ctx, case, observed):
    from lab.grading.speed import require_concurrent, require_in_flight

    for n, (lines, answers) in enumerate(zip(case["clients"], observed["answers"])):
        if isinstance(answers, str):
            raise GradeFailure(t("ex11.client", n=n, answers=answers))
        for line, got in zip(lines, answers):
            check_answer(line, got)
    per_client = REQUESTS * (case["delay"] + LATENCY_MS / 1000)
    require_concurrent(
        observed["elapsed"],
        units=CLIENTS * REQUESTS,
        unit_cost=case["delay"],
        floor=per_client,
        timeline=observed["timeline"],
        suggestion=t("ex11.suggest"),
        unit="clients served",
    )
    require_in_flight(
        observed["timeline"],
        len(case["clients"]),
        "clients served",
        t("speed.all_at_once", n=len(case["clients"])),
        suggestion=t("ex11.suggest"),
    )


def check_answer(line: str, got: str | None) -> None:
    if got is None:
        raise GradeFailure(t("ex11.no_answer", line=repr(line), seconds=REPLY_TIMEOUT_S))
    want = expected_answer(line)
    if want is None:
        if not got.startswith("ERR"):
            raise GradeFailure(t("ex11.want_err", line=repr(line), got=repr(got)))
    elif got != want:
        raise GradeFailure(
            t("ex11.answer", line=repr(line), want=repr(want), got=repr(got))
            + (" " + t("ex11.closed") if not got else "")
        )
