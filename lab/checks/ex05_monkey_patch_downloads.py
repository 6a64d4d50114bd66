"""Grading spec of exercise 05: blocking downloads made concurrent by monkey patching.

The learner's ``download_all`` downloads N random-size blobs (``/lab/blob/<n>?seed=S``)
through the httpbin proxy, under a latency toxic and a bandwidth toxic. The bytes are
checked (size and SHA-256) against httpbin itself, and the timing against the toxics.

Numbers: latency L = 150 ms and rate R = 100 KB/s (per connection), sizes 30-50 kB, so one
download costs L + size/R = 0.45-0.65 s. With N = 8: one after another is ~4.4 s; at once
it is the slowest one, ~0.65 s. Sequential is ~7x the concurrent floor, so the shared rule
(ceiling = floor + half the gap, ~2.5 s) leaves ~1.8 s of slack for a busy machine while a
sequential run (>= 4.4 s) cannot pass. The floor (too fast) is max(L, size/R) of the largest
file, a bound that holds whatever the order the proxy applies its two toxics in.

What decides is httpbin's record: the 8 downloads outstanding at once (from each one's
arrival until latency + size / rate after httpbin sent it), none left when ``download_all``
returned.
"""

from lab.checks._common import prefetch, served, sha256, token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

FILES = 8
LATENCY_MS = 150
RATE_KB = 100  # KB/s, 1 KB = 1000 bytes, per connection
SIZES = (30_000, 50_000)
EXTENSIONS = ("pdf", "json", "tar.gz", "csv", "log", "zip")


def setup(ctx):
    ctx.set_latency(LATENCY_MS)
    ctx.add_toxic("bandwidth", {"rate": RATE_KB})
    files: dict[str, dict] = {}
    while len(files) < FILES:
        name = f"{token(ctx.rng, 6)}.{ctx.rng.choice(EXTENSIONS)}"
        files[name] = {"size": ctx.rng.randint(*SIZES), "seed": ctx.rng.randint(1, 10**9)}
    prefetch(ctx, [blob_path(spec) for spec in files.values()])
    return {"base": ctx.httpbin_url, "files": files}


def lesson_s(case) -> float:
    """At once, the downloads take as long as the largest: latency + size / rate."""
    return LATENCY_MS / 1000 + max(s["size"] for s in case["files"].values()) / (RATE_KB * 1000)


def blob_path(spec: dict) -> str:
    return f"/lab/blob/{spec['size']}?seed={spec['seed']}"


def run(module, case):
    import hashlib

    timeline = Timeline()
    module.download_file = timeline.wrap(module.download_file)
    urls = {name: case["base"] + blob_path(spec) for name, spec in case["files"].items()}
    results = timed(module.download_all, urls)
    if not isinstance(results, dict):
        return {"results": None, "type": type(results).__name__}
    return {
        "results": {
            str(name): {
                "type": type(data).__name__,
                "size": len(data) if isinstance(data, bytes) else None,
                "sha256": hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else None,
            }
            for name, data in results.items()
        },
    }


def verify(ctx, case, observed, seen):
    files, results = case["files"], observed["results"]
    paths = [blob_path(s) for s in files.values()]
    lanes = seen.http(paths)
    call = rules.require_finished(seen, lanes, "downloads", "download_file", t("joined.joinall"))
    rules.require_through_proxy(seen.record, paths, "downloads")
    if results is None:
        raise GradeFailure(t("ex05.not_dict", type=observed["type"]))
    rules.require_results_for(files, results, "file")
    answers = served(ctx, paths)
    for name, spec in files.items():
        got = results[name]
        if got["type"] != "bytes":
            raise GradeFailure(t("ex05.not_bytes", name=name, type=got["type"]))
        answers[blob_path(spec)].raise_for_status()
        want = answers[blob_path(spec)].content
        if got["size"] != len(want) or got["sha256"] != sha256(want):
            raise GradeFailure(
                t("ex05.bytes", name=name, got=got["size"], got_sha=got["sha256"][:12],
                  want=len(want), want_sha=sha256(want)[:12])
            )  # fmt: skip
    latency, rate = LATENCY_MS / 1000, RATE_KB * 1000
    costs = [latency + spec["size"] / rate for spec in files.values()]
    largest = max(spec["size"] for spec in files.values())
    measures = rules.require_fast_enough(
        lanes,
        call.elapsed,
        units=len(files),
        unit_cost=max(costs),
        sequential=sum(costs),
        floor=max(latency, largest / rate),
        suggestion=t("ex05.suggest"),
        what="downloads",
    )
    in_flight = rules.require_in_flight(
        lanes,
        len(files),
        "downloads",
        t("speed.all_at_once", n=len(files)),
        calls=call.units,
        suggestion=t("ex05.suggest_spawn"),
    )
    return [in_flight, *measures]
