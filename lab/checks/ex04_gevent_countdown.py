"""Grading spec of exercise 04: interleaved gevent countdowns (the source's E1).

The numbers: COUNT = 6 countdowns, DELAY = 0.1 s per step: the first has 3 steps, one other
6 (the only longest), the rest 4 or 5. Concurrently the run takes the longest countdown,
0.6 s (the floor); one after another it takes the sum, at least 2.5 s, far above the slowest
accepted time (2 x 0.6 + 0.5 = 1.7 s, lab.grading.speed). All 6 must be seen running at
once, and none may still run when run_countdowns returns. Solved, the whole exercise is
graded in about 0.6 s plus the interpreter's start.

No lab server sees a countdown: its verdict rests on the learner's process (the calls it
reported, the lines it printed) and on the grader's own clock for the call.
"""

from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.i18n import t

COUNT = 6
STEPS = (4, 5)  # the others' steps; the first has 3, one other 6 (see setup)
DELAY = 0.1


def setup(ctx):
    letters = ctx.rng.sample("ABCDEFGHIJKLMNOPQRSTUVWXYZ", COUNT)
    steps = [ctx.rng.randint(*STEPS) for _ in letters]
    # The first countdown is the shortest and one other the only longest: code that joins
    # just one greenlet (the first, or any but the longest) returns with work still running.
    steps[0] = STEPS[0] - 1
    steps[ctx.rng.randrange(1, COUNT)] = STEPS[1] + 1
    return {"tasks": [[f"Tác vụ {c}", n] for c, n in zip(letters, steps)], "delay": DELAY}


def run(module, case):
    import contextlib
    import io

    from lab.grading.inside.timed import Timeline, timed

    timeline = Timeline()
    module.countdown = timeline.wrap(module.countdown)
    out = io.StringIO()
    tasks = [tuple(t) for t in case["tasks"]]
    with contextlib.redirect_stdout(out):
        timed(module.run_countdowns, tasks, case["delay"])
    return {"lines": out.getvalue().splitlines()}


def verify(ctx, case, observed, seen):
    tasks, delay = case["tasks"], case["delay"]
    call = seen.span()
    rules.require_calls_joined(call, "countdown", t("joined.joinall"))
    labels = {label for label, _ in tasks}
    lines = [ln for ln in observed["lines"] if ln.rpartition(": ")[0] in labels]
    for label, n in tasks:
        got = [ln for ln in lines if ln.rpartition(": ")[0] == label]
        want = [f"{label}: {i}" for i in range(n, 0, -1)]
        if got != want:
            raise GradeFailure(t("ex04.lines", label=repr(label), n=n, want=want, got=got))
    called = sorted(u.label for u in call.units)
    if called != sorted(labels):
        raise GradeFailure(t("ex04.calls", called=called))
    steps = [n for _, n in tasks]
    speed = rules.require_concurrent(
        call.elapsed,
        units=len(tasks),
        unit_cost=sum(steps) * delay / len(tasks),
        sequential=sum(steps) * delay,
        floor=max(steps) * delay,
        lanes=call.units,
        suggestion=t("ex04.suggest"),
        what="countdowns",
        by="grader",
    )
    in_flight = rules.require_in_flight(
        call.units,
        len(tasks),
        "countdowns",
        t("speed.all_at_once", n=len(tasks)),
        suggestion=t("ex04.suggest_spawn"),
    )
    measures = [in_flight, speed]
    # Everyone prints its first number before anyone's sleep is over: the lines interleave.
    firsts = {f"{label}: {n}" for label, n in tasks}
    head = set(lines[: len(tasks)])
    if head != firsts:
        raise GradeFailure(t("ex04.interleave", n=len(tasks), got=lines[: len(tasks)]))
    return measures
