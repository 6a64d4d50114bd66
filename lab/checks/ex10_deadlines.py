"""Grading spec of exercise 10: one gevent.Timeout deadline for a whole batch.

The learner's ``fetch_before(urls, deadline)`` gets, in random order, fast URLs (httpbin
through the main proxy, latency L) and slow ones, far past the deadline: through extra
proxies the grader creates with their own latency (2.5-6 s), and ``/delay/<n>``. Checks:

- every fast URL is ``{"status": "ok", "text": <what httpbin serves>}``, every slow one
  ``{"status": "timed out"}``;
- the call returns at the deadline: not before (a slow URL could still have arrived) and
  not much after (DEADLINE_SLACK);
- no ``fetch_one`` call is still running once the call returned (killed, not abandoned).

Numbers: L = 150 ms, 12 fast URLs, deadline 1.0 s. At once, the fast ones are all done
after ~0.15 s, leaving 0.85 s of slack on a busy machine; one after another they need
1.8 s, so a sequential solution misses the deadline for some of them and fails.
"""

from lab.checks._common import (
    b64_path,
    fetch_direct,
    require_through_proxy,
    timed,
    token,
    unfinished,
)
from lab.grading.contract import GradeFailure
from lab.i18n import t

LATENCY_MS = 150
FAST_URLS = 12
DEADLINE_S = 1.0
DEADLINE_SLACK = 0.5  # returning later than deadline + this fails
KILL_GRACE_S = 0.05  # time given to kills sent without blocking before looking for leftovers
SLOW_PROXIES_MS = (2500, 6000)


def setup(ctx):
    ctx.set_latency(LATENCY_MS)
    upstream = f"{ctx.cfg.host}:{ctx.cfg.httpbin_upstream_port}"
    slow_hosts = [ctx.make_proxy(upstream, ms) for ms in SLOW_PROXIES_MS]
    fast = {
        ctx.httpbin_url + b64_path(token(ctx.rng, ctx.rng.randint(6, 30))): "fast"
        for _ in range(FAST_URLS)
    }
    slow = {f"http://{host}{b64_path(token(ctx.rng, 12))}": "slow" for host in slow_hosts}
    slow[f"{ctx.httpbin_url}/delay/{ctx.rng.randint(3, 6)}?{token(ctx.rng, 4)}"] = "slow"
    kinds = {**fast, **slow}
    urls = list(kinds)
    ctx.rng.shuffle(urls)
    return {"urls": urls, "_kinds": kinds, "deadline": DEADLINE_S}


def label(url, *args, **kwargs):
    from urllib.parse import urlsplit

    parts = urlsplit(str(url))
    return f":{parts.port}{parts.path}"


def run(module, case):

    import gevent

    from lab.grading.timeline import Timeline

    timeline = Timeline()
    module.fetch_one = timeline.wrap(module.fetch_one, label)
    results = timed(module.fetch_before, list(case["urls"]), case["deadline"])
    gevent.sleep(KILL_GRACE_S)
    if not isinstance(results, dict):
        raise GradeFailure(t("ex10.not_dict", value=f"{results!r:.200}"))
    return {
        "results": {
            str(u): r if isinstance(r, dict) else {"status": repr(r)} for u, r in results.items()
        },
    }


def verify(ctx, case, observed):
    from lab.grading.speed import require_in_flight

    deadline, results, timeline = case["deadline"], observed["results"], observed["timeline"]
    elapsed = observed["elapsed"]
    # every "ok" must have been fetched (late ones were rightly given up on)
    claimed = [
        u.split(ctx.httpbin_url, 1)[1]
        for u, k in case["_kinds"].items()
        if k == "fast" and results.get(u, {}).get("status") == "ok"
    ]
    require_through_proxy(observed, claimed)
    missing = [u for u in case["urls"] if u not in results]
    if missing:
        raise GradeFailure(t("results.missing", n=len(missing), what="URL", first=missing[0]))
    late = [
        u
        for u, kind in case["_kinds"].items()
        if kind == "fast" and results[u].get("status") != "ok"
    ]
    if late:
        raise GradeFailure(
            t(
                "ex10.late",
                n=len(late),
                ms=LATENCY_MS,
                deadline=deadline,
                first=late[0],
                result=results[late[0]],
            ),
            kind="slow",
            timeline=timeline,
            suggestion=t("ex10.suggest_late"),
        )
    for url, kind in case["_kinds"].items():
        check_result(ctx, url, kind, results[url])
    if elapsed < deadline * 0.95:
        raise GradeFailure(
            t("ex10.early", elapsed=elapsed, deadline=deadline),
            kind="too-fast",
            timeline=timeline,
        )
    if elapsed > deadline + DEADLINE_SLACK:
        raise GradeFailure(
            t("ex10.over", elapsed=elapsed, deadline=deadline),
            kind="slow",
            timeline=timeline,
            suggestion=t("ex10.suggest_over"),
        )
    require_in_flight(
        timeline,
        len(case["urls"]),
        "requests",
        t("speed.all_at_once", n=len(case["urls"])),
        suggestion=t("ex10.suggest_spawn"),
    )
    still = unfinished(timeline)
    if still:
        raise GradeFailure(
            t("ex10.still", n=len(still), first=still[0]),
            timeline=timeline,
        )


def check_result(ctx, url: str, kind: str, result: dict) -> None:
    if kind == "slow":
        if result != {"status": "timed out"}:
            raise GradeFailure(t("ex10.want_timed_out", url=url, got=f"{result!r:.200}"))
        return
    path = url.split(ctx.httpbin_url, 1)[1]
    served = fetch_direct(ctx, path).decode()
    if result.get("text") != served:
        raise GradeFailure(
            t("ex10.text", url=url, got=f"{result.get('text')!r:.60}", want=f"{served!r:.60}")
        )
