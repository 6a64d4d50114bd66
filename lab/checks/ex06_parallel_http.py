"""Grading spec of exercise 06: parallel requests where one failing URL sinks nothing.

The learner's ``fetch_all(urls, timeout)`` gets, in random order: URLs that answer 200
(``/base64/<random>`` and ``/bytes/<random n>?seed=S``), URLs with an error status
(``/status/<random code>``), one URL on a port where nothing listens (refused) and one
through an extra proxy slower than the timeout. Statuses and sizes are checked against what
httpbin itself answers; the refused and slow URLs must come back as errors.

Numbers: latency L = 250 ms on the httpbin proxy, 16 URLs through it, timeout T = 0.8 s for
the slow one (its proxy waits 5 s). One after another: 16 x 0.25 + 0.8 = 4.8 s. At once:
the slowest unit, the timeout, 0.8 s, which is the floor: sequential is 6x the floor and
the shared rule accepts up to 2.8 s. T leaves the good URLs 0.55 s of slack over L.

What decides is what the lab saw: httpbin's record (17 requests through a proxy: the 16 and
the slow one, all outstanding at once), the extra proxy's record (the slow one given up at
the timeout), nothing outstanding or arriving once ``fetch_all`` returned.
"""

from lab.checks._common import b64_path, path_of, plain_list, prefetch, served, token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

REFUSED_PATH = "/nobody-listens"  # on a port where nothing listens: refused at once
LATENCY_MS = 250
TIMEOUT_S = 0.8
SLOW_PROXY_MS = 5000  # far past the timeout: that request must time out
OK_URLS = 10
STATUS_URLS = 6
ERROR_CODES = (400, 403, 404, 410, 418, 429, 500, 502, 503)
KEYS = ("url", "status", "size", "error")
EXTRA_PROXIES = True  # setup makes proxies of its own (lab.grading.side_proxy)


def setup(ctx):
    from lab.net import free_port

    ctx.set_latency(LATENCY_MS)
    base = ctx.httpbin_url
    slow = ctx.make_proxy(f"{ctx.cfg.host}:{ctx.cfg.httpbin_upstream_port}", SLOW_PROXY_MS)
    urls = {}  # url -> what it is
    for i in range(OK_URLS):
        if i % 2:
            path = b64_path(token(ctx.rng, ctx.rng.randint(5, 40)))
        else:
            path = f"/bytes/{ctx.rng.randint(100, 20_000)}?seed={ctx.rng.randint(1, 10**9)}"
        urls[base + path] = {"kind": "ok", "path": path}
    for _ in range(STATUS_URLS):
        path = f"/status/{ctx.rng.choice(ERROR_CODES)}?n={token(ctx.rng, 4)}"
        urls[base + path] = {"kind": "status", "path": path}
    urls[f"http://{ctx.cfg.host}:{free_port()}{REFUSED_PATH}"] = {"kind": "refused"}
    path = f"/anything/{token(ctx.rng, 6)}"
    urls[f"http://{slow}{path}"] = {"kind": "timeout", "path": path}
    order = list(urls)
    ctx.rng.shuffle(order)
    prefetch(ctx, [k["path"] for k in urls.values() if k["kind"] in ("ok", "status")])
    return {"urls": order, "_kinds": urls, "timeout": TIMEOUT_S}


def run(module, case):
    timeline = Timeline()
    escaped: list = []  # (url, exception) that left the learner's fetch_url
    learners = module.fetch_url

    def fetch_url(url, *args, **kwargs):
        try:
            return learners(url, *args, **kwargs)
        except Exception as exc:
            escaped.append((url, exc))
            raise

    module.fetch_url = timeline.wrap(fetch_url, lambda url, *rest: path_of(url))
    results = timed(module.fetch_all, list(case["urls"]), case["timeout"])
    uncaught = None
    if escaped:
        url, exc = escaped[0]
        uncaught = {"url": url, "error": type(exc).__name__,
                    "frames": learner_frames(exc, module.__file__)}  # fmt: skip
    return {"results": plain_list(results, KEYS), "uncaught": uncaught}


def verify(ctx, case, observed, seen):
    urls, kinds, results = case["urls"], case["_kinds"], observed["results"]
    proxied = [kinds[u]["path"] for u in urls if kinds[u]["kind"] in ("ok", "status")]
    slow = [kinds[u]["path"] for u in urls if kinds[u]["kind"] == "timeout"]
    lanes = seen.http(proxied + slow)
    call = rules.require_finished(seen, lanes, "requests", "fetch_url", t("joined.joinall"))
    rules.require_through_proxy(seen.record, proxied)
    uncaught = observed["uncaught"]
    if uncaught and (not isinstance(results, list) or None in results):
        raise GradeFailure(
            t("ex06.uncaught", error=uncaught["error"], url=uncaught["url"])
            + "\n"
            + uncaught["frames"]
        )
    rules.require_dict_per_input(results, urls, "fetch_all", "URL")
    answers = served(ctx, proxied)
    for url, result in zip(urls, results):
        if result["url"] != url:
            raise GradeFailure(t("ex06.order", url=url, got=result["url"]))
        check_result(url, kinds[url], result, answers.get(kinds[url].get("path")))
    # Every request that waits on the network (all but the refused one, which no server
    # sees) must have been outstanding at the lab together.
    waiting = len(proxied) + len(slow)
    measures = rules.require_fast_enough(
        lanes,
        call.elapsed,
        units=len(urls) - 2,
        unit_cost=LATENCY_MS / 1000,
        sequential=(len(urls) - 2) * LATENCY_MS / 1000 + case["timeout"],
        floor=max(LATENCY_MS / 1000, case["timeout"]),
        suggestion=t("ex06.suggest"),
        what="requests",
    )
    in_flight = rules.require_in_flight(
        lanes,
        waiting,
        "requests",
        t("speed.all_at_once", n=waiting),
        calls=[u for u in call.units if u.label != REFUSED_PATH],
        suggestion=t("ex06.suggest"),
    )
    return [in_flight, *measures]


def learner_frames(exc: BaseException, learner_file: str) -> str:
    """The traceback from the learner's own frame (their fetch_url) to where it was raised:
    the first of their frames, then the last two, then the exception."""
    import os
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    mine = os.path.abspath(learner_file)
    theirs = [i for i, f in enumerate(frames) if os.path.abspath(f.filename) == mine]
    if not theirs:
        return "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
    start = theirs[0]
    shown = frames[start : start + 1]
    tail = frames[max(start + 1, len(frames) - 2) :]
    text = "".join(traceback.format_list(shown))
    if len(frames) - start - 1 > len(tail):
        text += "  ...\n"
    text += "".join(traceback.format_list(tail))
    text = text.replace(f'"{os.getcwd()}{os.sep}', '"')
    return (text + "".join(traceback.format_exception_only(type(exc), exc))).rstrip()


def check_result(url: str, kind: dict, result: dict, served) -> None:
    """One URL's result against what it really is (``served``: httpbin's own answer)."""
    if kind["kind"] in ("refused", "timeout"):
        why = t("ex06.refused" if kind["kind"] == "refused" else "ex06.slow_url")
        if not result["error"] or result["status"] is not None:
            raise GradeFailure(t("ex06.want_error", url=url, why=why, result=result))
        return
    if result["error"] is not None:
        raise GradeFailure(t("ex06.want_status", url=url, error=f"{result['error']!r:.200}"))
    if result["status"] != served.status_code:
        raise GradeFailure(t("ex06.status", url=url, got=result["status"], want=served.status_code))
    if result["size"] != len(served.content):
        raise GradeFailure(t("ex06.size", url=url, got=result["size"], want=len(served.content)))
