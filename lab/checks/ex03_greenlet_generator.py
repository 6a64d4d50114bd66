"""Grading spec of exercise 03: a generator built from a greenlet.

Graded on behaviour with random values: what iteration yields (also when the consumer is
another greenlet), StopIteration at the end and after, close() and dropping the generator
both raising GreenletExit inside the producer (its finally: runs), throw() caught (returns
the next value) and uncaught (propagates, then the generator is over).
"""

from lab.grading.contract import GradeFailure
from lab.i18n import t


def fib_below(limit):
    out, a, b = [], 0, 1
    while a < limit:
        out.append(a)
        a, b = b, a + b
    return out


def setup(ctx):
    rng = ctx.rng
    fibs = fib_below(10**6)
    limit = rng.randint(50, 10**6)
    while limit in fibs:  # one limit that is not a Fibonacci number...
        limit += 1
    return {
        "limit": limit,
        "fib_limit": rng.choice([f for f in fibs if f > 50]),  # ...and one that is: < vs <=
        "values": [rng.randint(-1000, 1000) for _ in range(rng.randint(4, 9))],
        "take": rng.randint(1, 3),
        "message": f"bad-{rng.randint(1000, 9999)}",
    }


def run(module, case):
    import gc

    from greenlet import GreenletExit, getcurrent, greenlet

    Gen = module.GreenletGenerator
    values = case["values"]

    def attempt(fn):
        """("ok", value) or ("raised", "Type: message"); TODOs still raise through."""
        try:
            return ["ok", fn()]
        except NotImplementedError:
            raise
        except BaseException as exc:
            return ["raised", f"{type(exc).__name__}: {exc}"]

    def producer(log, consumer=None):
        """Emits the values from a nested call; records what happens to it."""
        log.append("own greenlet" if getcurrent() is not consumer else "consumer's greenlet")
        try:
            for v in values:
                try:
                    (lambda: module.emit(v))()  # emit from a nested call: greenlets allow it
                except ValueError as exc:
                    module.emit(f"recovered:{exc}")
        except GreenletExit:
            log.append("GreenletExit")
            raise
        finally:
            log.append("finally")
        log.append("returned")
        return "the return value is not an emitted value"

    obs: dict = {}
    obs["fibonacci"] = attempt(lambda: list(Gen(module.fibonacci, case["limit"])))
    obs["fibonacci_at"] = attempt(lambda: list(Gen(module.fibonacci, case["fib_limit"])))

    log: list = []
    gen = Gen(producer, log, getcurrent())
    obs["iterate"] = attempt(lambda: list(gen))
    obs["iterate_again"] = attempt(lambda: next(gen))
    obs["iterate_log"] = log

    log = []
    in_other: list = []
    consumer = greenlet(lambda: in_other.extend(Gen(producer, log)))
    obs["other_consumer"] = attempt(lambda: (consumer.switch(), in_other)[1])

    log = []
    gen = Gen(producer, log)
    taken = [next(gen) for _ in range(case["take"])]
    obs["close"] = attempt(gen.close)
    obs["close_taken"] = taken
    obs["close_log"] = list(log)
    obs["after_close"] = attempt(lambda: next(gen))
    obs["close_twice"] = attempt(gen.close)

    log = []
    obs["close_unstarted"] = attempt(Gen(producer, log).close)
    obs["unstarted_log"] = list(log)

    log = []
    gen = Gen(producer, log)
    next(gen)
    del gen
    gc.collect()
    obs["drop_log"] = list(log)

    log = []
    gen = Gen(producer, log)
    first = next(gen)
    obs["throw_caught"] = attempt(
        lambda: [first, gen.throw(ValueError(case["message"])), next(gen)]
    )
    obs["throw_uncaught"] = attempt(lambda: gen.throw(KeyError("boom")))
    obs["after_uncaught"] = attempt(lambda: next(gen))
    obs["throw_log"] = list(log)
    return obs


def verify(ctx, case, observed, seen):
    values = case["values"]

    def expect(key, want, what):
        if observed[key] != want:
            raise GradeFailure(
                t("ex03.expected", what=what, want=_show(want), got=_show(observed[key]))
            )

    limit, fib_limit = case["limit"], case["fib_limit"]
    expect("fibonacci", ["ok", fib_below(limit)], t("ex03.fibonacci", limit=limit))
    expect("fibonacci_at", ["ok", fib_below(fib_limit)], t("ex03.fibonacci_at", limit=fib_limit))
    expect("iterate", ["ok", values], t("ex03.iterate", values=values))
    if observed["iterate_log"][:1] != ["own greenlet"]:
        raise GradeFailure(t("ex03.not_own"))
    expect("iterate_again", ["raised", "StopIteration: "], t("ex03.iterate_again"))
    expect("other_consumer", ["ok", values], t("ex03.other_consumer"))
    expect("close", ["ok", None], t("ex03.close"))
    expect("close_taken", values[: case["take"]], t("ex03.close_taken"))
    expect("close_log", ["own greenlet", "GreenletExit", "finally"], t("ex03.close_log"))
    expect("after_close", ["raised", "StopIteration: "], t("ex03.after_close"))
    expect("close_twice", ["ok", None], t("ex03.close_twice"))
    expect("close_unstarted", ["ok", None], t("ex03.close_unstarted"))
    expect("unstarted_log", [], t("ex03.unstarted_log"))
    expect("drop_log", ["own greenlet", "GreenletExit", "finally"], t("ex03.drop_log"))
    recovered = [values[0], f"recovered:{case['message']}", values[1]]
    expect("throw_caught", ["ok", recovered], t("ex03.throw_caught"))
    expect("throw_uncaught", ["raised", "KeyError: 'boom'"], t("ex03.throw_uncaught"))
    expect("after_uncaught", ["raised", "StopIteration: "], t("ex03.after_uncaught"))


# What the producer logs, as the learner reads it (the log itself stays the same in both).
_LOG_WORDS = {"own greenlet": "ex03.log.own", "consumer's greenlet": "ex03.log.consumer"}


def _show(v) -> str:
    """An observation as the learner should read it."""
    if isinstance(v, list) and len(v) == 2 and v[0] in ("ok", "raised"):
        if v[0] == "ok":
            return repr(v[1])
        return t("ex03.it_raised", error=v[1].removesuffix(": "))
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return repr([t(_LOG_WORDS[x]) if x in _LOG_WORDS else x for x in v])
    return repr(v)
