"""Grading spec of exercise 09: gevent.pool.Pool, never more than k requests at once.

The learner's ``fetch_all(urls, k)`` gets N ``/base64/<random>`` URLs through the httpbin
proxy; every text is checked against httpbin itself. httpbin's record gives how many
requests were outstanding at once (each from its arrival until its answer, delayed by the
proxy, reached the client): never more than k, and k at some point (N > k and every request
costs the same, so a pool that is really k wide fills up). Whatever made the requests
counts, inside ``fetch_one`` or not: a burst outside the pool is more than k.

Numbers: latency L = 150 ms, N = 30, k drawn from 5, 6 and 8. One after another: 4.5 s.
k at a time: ceil(N / k) x L = 0.9, 0.75 or 0.6 s, the floor (no k-wide schedule can be
faster; a solution ignoring k finishes in ~L and is caught both by the overlap count and as
too fast). Sequential is >= 5x the floor; the shared rule accepts up to 1.75 s at k = 5.

After the timed call, ``fetch_one`` alone gets a URL with an error status (``/status/<4xx or
5xx>``): the exercise says it fails on one (``raise_for_status()``), so it must raise
``requests.HTTPError``, not hand back the error page as if it were the text.
"""

from lab.checks._common import b64_path, prefetch, served, token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

LATENCY_MS = 150
URLS = 30
POOL_SIZES = (5, 6, 8)
ERROR_CODES = (400, 404, 410, 500, 502, 503)


def setup(ctx):
    ctx.set_latency(LATENCY_MS)
    words = {token(ctx.rng, ctx.rng.randint(6, 30)) for _ in range(URLS * 2)}
    paths = [b64_path(w) for w in sorted(words)[:URLS]]
    ctx.rng.shuffle(paths)
    error = f"/status/{ctx.rng.choice(ERROR_CODES)}?{token(ctx.rng, 4)}"
    prefetch(ctx, paths)
    return {
        "base": ctx.httpbin_url,
        "paths": paths,
        "k": ctx.rng.choice(POOL_SIZES),
        "error_path": error,
    }


def lesson_s(case) -> float:
    """k at a time, then the error status alone (one more request under the latency)."""
    return (-(-URLS // case["k"]) + 1) * LATENCY_MS / 1000


def run(module, case):
    timeline = Timeline()
    learners = module.fetch_one
    module.fetch_one = timeline.wrap(learners, lambda url, *rest: str(url).rsplit("/", 1)[-1])
    urls = [case["base"] + p for p in case["paths"]]
    texts = timed(module.fetch_all, urls, case["k"])
    if not isinstance(texts, dict):
        return {"texts": None, "value": f"{texts!r:.200}"}
    return {
        "error_status": error_status(learners, case["base"] + case["error_path"]),
        "texts": {str(u): x if isinstance(x, str) else repr(x) for u, x in texts.items()},
    }


def error_status(fetch_one, url: str) -> str:
    """What ``fetch_one`` did with an error status: "raised HTTPError" (the one right
    answer, never shown), or what it did instead in the learner's language."""
    import requests

    try:
        got = fetch_one(url)
    except requests.HTTPError:
        return "raised HTTPError"
    except Exception as exc:
        return t("ex09.raised_other", error=f"{type(exc).__name__}: {exc}")
    return t("ex09.returned", value=f"{got!r:.80}")


def verify(ctx, case, observed, seen):
    base, k, texts = case["base"], case["k"], observed["texts"]
    lanes = seen.http(case["paths"])  # the error path is fetched after the call, alone
    call = rules.require_finished(seen, lanes, "requests", "fetch_one", t("ex09.join_how"))
    rules.require_through_proxy(seen.record, [*case["paths"], case["error_path"]])
    if texts is None:
        raise GradeFailure(t("ex09.not_dict", value=observed["value"]))
    if observed["error_status"] != "raised HTTPError":
        raise GradeFailure(
            t("ex09.no_raise", url=repr(base + case["error_path"]),
              status=observed["error_status"])
        )  # fmt: skip
    urls = [base + p for p in case["paths"]]
    rules.require_results_for(urls, texts, "URL")
    answers = served(ctx, case["paths"])
    for url, path in zip(urls, case["paths"]):
        answers[path].raise_for_status()
        want = answers[path].text
        if texts[url] != want:
            raise GradeFailure(
                t("ex09.text", url=url, got=f"{texts[url]!r:.80}", want=f"{want!r:.80}")
            )
    at_once = rules.max_overlap(lanes)
    if at_once > k:  # before the time rule: ignoring k is also "too fast"
        raise GradeFailure(t("ex09.over", n=at_once, k=k))
    latency = LATENCY_MS / 1000
    measures = rules.require_fast_enough(
        lanes,
        call.elapsed,
        units=len(urls),
        unit_cost=latency,
        floor=-(-len(urls) // k) * latency,
        suggestion=t("ex09.suggest_slow", n=at_once, k=k),
        what="requests",
    )
    pool = rules.require_in_flight(
        lanes, k, "requests", t("speed.pool_of", k=k), calls=call.units, exact=True,
        suggestion=t("ex09.suggest", k=k),
    )  # fmt: skip
    return [pool, *measures]
