"""Grading spec of exercise 10: one gevent.Timeout deadline for a whole batch.

The learner's ``fetch_before(urls, deadline)`` gets, in random order, fast URLs (httpbin
through the main proxy, latency L) and slow ones, far past the deadline: through extra
proxies the grader creates with their own latency (2.5-6 s), and ``/delay/<n>``. Checks:

- every fast URL is ``{"status": "ok", "text": <what httpbin serves>}``, every slow one
  ``{"status": "timed out"}``;
- the call returns at the deadline: not before (a slow URL could still have arrived) and
  not much after (DEADLINE_SLACK);
- no ``fetch_one`` call is still running once the call returned (killed, not abandoned).

What decides is what the lab saw: httpbin's record (every "ok" was really fetched through
the proxy, and all 15 requests were outstanding at once), the extra proxies' records (the
slow requests were given up at the deadline: their connections closed then, not before and
not much after), and the process when the call returned (no connection still waiting for
an answer, no answer nobody read, no request afterwards).

Numbers: L = 150 ms, 12 fast URLs, deadline 1.0 s. At once, the fast ones are all done
after ~0.15 s, leaving 0.85 s of slack on a busy machine; one after another they need
1.8 s, so a sequential solution misses the deadline for some of them and fails.
"""

from lab.checks._common import b64_path, path_of, plain, prefetch, served, token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.evidence import extra_links
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

LATENCY_MS = 150
FAST_URLS = 12
DEADLINE_S = 1.0
DEADLINE_SLACK = 0.5  # returning later than deadline + this fails
SLOW_PROXIES_MS = (2500, 6000)
EXTRA_PROXIES = True  # setup makes proxies of its own (lab.grading.side_proxy)


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
    prefetch(ctx, [path_of(u) for u in fast])
    return {"urls": urls, "_kinds": kinds, "deadline": DEADLINE_S}


def lesson_s(case) -> float:
    """The deadline: the call waits for it, by design."""
    return case["deadline"]


def label(url, *args):
    from urllib.parse import urlsplit

    parts = urlsplit(str(url))
    return f":{parts.port}{parts.path}"


def run(module, case):
    timeline = Timeline()
    module.fetch_one = timeline.wrap(module.fetch_one, label)
    results = timed(module.fetch_before, list(case["urls"]), case["deadline"])
    if not isinstance(results, dict):
        return {"results": None, "value": f"{results!r:.200}"}
    return {
        "results": {str(u): r if isinstance(r, dict) else plain(r, ()) for u, r in results.items()}
    }


def verify(ctx, case, observed, seen):
    deadline, results, kinds = case["deadline"], observed["results"], case["_kinds"]
    call = seen.span()
    paths = [path_of(u) for u in case["urls"]]
    lanes = seen.http(paths)
    rules.require_nothing_after(lanes, call.end, "requests")
    rules.require_nothing_left(seen.at_end.get("call"), seen.links, t("ex10.how"))
    still = [u.label for u in call.units if u.end is None or u.end > call.end]
    if still:
        raise GradeFailure(t("ex10.still", n=len(still), first=still[0]))
    if results is None:
        raise GradeFailure(t("ex10.not_dict", value=observed["value"]))
    fast = [u for u, k in kinds.items() if k == "fast"]
    claimed = [path_of(u) for u in fast if (results.get(u) or {}).get("status") == "ok"]
    rules.require_through_proxy(seen.record, claimed)
    missing = [u for u in case["urls"] if u not in results]
    if missing:
        raise GradeFailure(t("results.missing", n=len(missing), what="URL", first=missing[0]))
    late = [u for u in fast if (results[u] or {}).get("status") != "ok"]
    if late:
        raise GradeFailure(
            t("ex10.late", n=len(late), ms=LATENCY_MS, deadline=deadline, first=late[0],
              result=results[late[0]]),
            kind="slow",
            suggestion=t("ex10.suggest_late"),
        )  # fmt: skip
    answers = served(ctx, [path_of(u) for u in fast])
    for url, kind in kinds.items():
        check_result(url, kind, results[url], answers.get(path_of(url)))
    check_deadline(deadline, call.elapsed, gave_up(seen, lanes))
    return [
        rules.require_in_flight(
            lanes,
            len(case["urls"]),
            "requests",
            t("speed.all_at_once", n=len(case["urls"])),
            calls=call.units,
            suggestion=t("ex10.suggest_spawn"),
        )
    ]


def gave_up(seen, lanes) -> float | None:
    """When the slow requests were given up, as the extra proxies saw it: their clients'
    connections closed, in seconds after the first request reached the lab."""
    if not lanes:
        return None
    first = min(lane.start for lane in lanes)
    left = [link["client_left"] for link in extra_links(seen.record) if link["client_left"]]
    return max(left) - first if left else None


def check_deadline(deadline: float, elapsed: float, given_up: float | None) -> None:
    """The call gives up at the deadline: the slow requests' connections closed then (the
    lab's view), and the call returned then (the grader's timing of it: only adds)."""
    for took in (given_up, elapsed):
        if took is None:
            continue
        if took < deadline * 0.95:
            raise GradeFailure(t("ex10.early", elapsed=took, deadline=deadline), kind="too-fast")
        if took > deadline + DEADLINE_SLACK:
            raise GradeFailure(
                t("ex10.over", elapsed=took, deadline=deadline),
                kind="slow",
                suggestion=t("ex10.suggest_over"),
            )


def check_result(url: str, kind: str, result: dict | None, served) -> None:
    """One URL's result against what it is (``served``: httpbin's own answer, fast ones)."""
    if result is None or "_exception" in result or "_value" in result:
        got = "None" if result is None else result.get("_exception") or result["_value"]
        raise GradeFailure(t("ex10.not_a_dict", url=url, got=got))
    if kind == "slow":
        if result != {"status": "timed out"}:
            raise GradeFailure(t("ex10.want_timed_out", url=url, got=f"{result!r:.200}"))
        return
    served.raise_for_status()
    if result.get("text") != served.text:
        raise GradeFailure(
            t("ex10.text", url=url, got=f"{result.get('text')!r:.60}", want=f"{served.text!r:.60}")
        )
