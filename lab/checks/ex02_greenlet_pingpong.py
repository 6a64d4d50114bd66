"""Grading spec of exercise 02: a fetcher/parser ping-pong over a whole, random input.

Graded on behaviour: every printed line in ping-pong order, the parsed values returned,
parse_label running inside the parser and fetch_data inside the fetcher, both dead at the
end. The names (and how many) change every run.
"""

from lab.grading.contract import GradeFailure
from lab.grading.inside.lines import LinesBy
from lab.grading.rules import require_printed_by
from lab.i18n import t

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


def verify(ctx, case, observed, seen):
    names = case["names"]
    for name, ok in observed["greenlets"].items():
        if not ok:
            raise GradeFailure(t("ex02.not_greenlet", name=name))
    calls = observed["inside"]
    if len(calls["parse_label"]) != len(names):
        raise GradeFailure(t("ex02.parse_count", n=len(calls["parse_label"]), names=len(names)))
    if not all(calls["parse_label"]):
        raise GradeFailure(t("ex02.parse_outside"))
    if calls["fetch_data"] != [True]:
        raise GradeFailure(t("ex02.fetch_outside"))
    want = expected_lines(names)
    got = observed["lines"]
    owners = {"[PARSER]": "parser", **{f"[{n}]": "fetcher" for n in names}}
    require_printed_by(observed["printed_by"], owners)
    if got != want:
        first = next(
            (i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want))
        )
        nothing = t("nothing_more")
        raise GradeFailure(
            t(
                "ex02.lines",
                names=names,
                line=first + 1,
                want=repr(want[first] if first < len(want) else nothing),
                got=repr(got[first] if first < len(got) else nothing),
            )
        )
    alive = [n for n, dead in observed["dead"].items() if not dead]
    if alive:
        raise GradeFailure(t("ex01.alive", names=" & ".join(alive)))
    parsed = [parse_label(n.upper()) for n in names]
    if observed["returned"] != parsed:
        raise GradeFailure(t("ex02.returned", want=parsed, got=observed["returned"]))
