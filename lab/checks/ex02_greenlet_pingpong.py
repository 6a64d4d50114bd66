"""Grading spec of exercise 02: a fetcher/parser ping-pong over a whole, random input.

Graded on behaviour: every printed line in ping-pong order, the parsed values returned,
parse_label running inside the parser and fetch_data inside the fetcher, both dead at the
end. The names (and how many) change every run.
"""

from lab.checks._common import LinesBy, require_printed_by
from lab.grading.contract import GradeFailure

WORDS = ["user", "admin", "guest", "bot", "mod", "dev", "ops", "qa", "root", "anon"]


def parse_label(label: str) -> str:
    """The grader's own copy of the exercise's given parse_label."""
    return "/".join(reversed(label.split("_")))


def setup(ctx):
    count = ctx.rng.randint(3, 8)
    return {"names": [f"{ctx.rng.choice(WORDS)}_{ctx.rng.randint(1, 999)}" for _ in range(count)]}


def run(module, case):
    import contextlib

    from greenlet import getcurrent, greenlet

    inside: dict[str, list] = {"parse_label": [], "fetch_data": []}

    def watch(name, worker):
        fn = getattr(module, name)

        def wrapped(*args):
            inside[name].append(getcurrent() is getattr(module, worker))
            return fn(*args)

        setattr(module, name, wrapped)

    watch("parse_label", "parser")
    watch("fetch_data", "fetcher")
    out = LinesBy(module, ("fetcher", "parser"))
    with contextlib.redirect_stdout(out):
        returned = module.pingpong(list(case["names"]))
    workers = {n: getattr(module, n) for n in ("fetcher", "parser")}
    return {
        "lines": [text for _, text in out.lines if text.startswith("[")],
        "printed_by": [line for line in out.lines if line[1].startswith("[")],
        "returned": returned if isinstance(returned, list) else repr(returned),
        "greenlets": {n: isinstance(g, greenlet) for n, g in workers.items()},
        "dead": {n: bool(getattr(g, "dead", False)) for n, g in workers.items()},
        "inside": inside,
    }


def expected_lines(names):
    lines = []
    for name in names:
        lines += [
            f"[{name}] bắt đầu lấy dữ liệu...",
            f"[PARSER] Nhận nhãn: {name.upper()}",
            f"[{name}] tiếp tục xử lý sau phân tích: {parse_label(name.upper())}",
        ]
    return lines + ["[PARSER] hết dữ liệu"]


def verify(ctx, case, observed):
    names = case["names"]
    for name, ok in observed["greenlets"].items():
        if not ok:
            raise GradeFailure(f"pingpong() must assign a greenlet to the module global {name}")
    calls = observed["inside"]
    if len(calls["parse_label"]) != len(names):
        raise GradeFailure(
            f"parse_label was called {len(calls['parse_label'])} times for "
            f"{len(names)} names: call it once per label, in the parser"
        )
    if not all(calls["parse_label"]):
        raise GradeFailure(
            "parse_label ran outside the parser greenlet: the parser must do the parsing"
        )
    if calls["fetch_data"] != [True]:
        raise GradeFailure(
            "fetch_data must run once, inside the fetcher greenlet "
            "(start it with fetcher.switch(names))"
        )
    want = expected_lines(names)
    got = observed["lines"]
    owners = {"[PARSER]": "parser", **{f"[{n}]": "fetcher" for n in names}}
    require_printed_by(observed["printed_by"], owners, ("[",))
    if got != want:
        first = next(
            (i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want))
        )
        raise GradeFailure(
            f"for the names {names} the printed lines differ from line {first + 1}: "
            f"expected {want[first] if first < len(want) else '(nothing more)'!r}, "
            f"got {got[first] if first < len(got) else '(nothing more)'!r}"
        )
    alive = [n for n, dead in observed["dead"].items() if not dead]
    if alive:
        raise GradeFailure(
            f"{' and '.join(alive)} not finished (.dead is False): both "
            "greenlets must run to their end (when a greenlet's "
            "function returns, control and its return value go to its "
            "PARENT: which greenlet is that?)"
        )
    parsed = [parse_label(n.upper()) for n in names]
    if observed["returned"] != parsed:
        raise GradeFailure(f"pingpong() should return {parsed}, got {observed['returned']}")
