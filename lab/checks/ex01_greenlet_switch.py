"""Grading spec of exercise 01: a two-way greenlet switch where both greenlets finish.

Graded on behaviour, not time: the printed lines and their order, the value handed back,
both greenlets dead, and each task running inside its own greenlet. x and y are random, so
printing the source's numbers (10, 20) does not pass.
"""

from lab.grading.contract import GradeFailure
from lab.grading.inside.lines import LinesBy
from lab.grading.rules import require_printed_by
from lab.i18n import t


def setup(ctx):
    return {"x": ctx.rng.randint(11, 9999), "y": ctx.rng.randint(11, 9999)}


def run(module, case):
    import contextlib

    from greenlet import getcurrent, greenlet

    where = {}

    def watch(name, fn, worker):
        def wrapped(*args):
            where[name] = getcurrent() is getattr(module, worker)
            return fn(*args)

        return wrapped

    module.task_a = watch("task_a", module.task_a, "worker_a")
    module.task_b = watch("task_b", module.task_b, "worker_b")
    out = LinesBy(module, ("worker_a", "worker_b"))
    with contextlib.redirect_stdout(out):
        returned = module.start(case["x"], case["y"])
    workers = {name: getattr(module, name) for name in ("worker_a", "worker_b")}
    return {
        "lines": [text for _, text in out.lines if text.startswith("task_")],
        "printed_by": [line for line in out.lines if line[1].startswith("task_")],
        "returned": returned if isinstance(returned, int) else repr(returned),
        "greenlets": {n: isinstance(g, greenlet) for n, g in workers.items()},
        "dead": {n: bool(getattr(g, "dead", False)) for n, g in workers.items()},
        "ran_in_own_greenlet": where,
    }


def verify(ctx, case, observed, seen):
    x, y = case["x"], case["y"]
    for name, ok in observed["greenlets"].items():
        if not ok:
            raise GradeFailure(t("ex01.not_greenlet", name=name))
    for name in ("task_a", "task_b"):
        if not observed["ran_in_own_greenlet"].get(name):
            raise GradeFailure(t("ex01.not_in_own", name=name, worker=f"worker_{name[-1]}"))
    expected = [f"task_b xử lý: {x * 2}", f"task_a nhận giá trị: {x * 2 + 10}", "task_b xong"]
    require_printed_by(observed["printed_by"], {"task_b": "worker_b", "task_a": "worker_a"})
    if observed["lines"] != expected:
        raise GradeFailure(t("ex01.lines", x=x, y=y, expected=expected, got=observed["lines"]))
    alive = [n for n, dead in observed["dead"].items() if not dead]
    if alive:
        raise GradeFailure(t("ex01.alive", names=" & ".join(alive)))
    if observed["returned"] != x * 2 + 10 + y:
        raise GradeFailure(
            t("ex01.returned", x=x, y=y, want=x * 2 + 10 + y, got=observed["returned"])
        )
