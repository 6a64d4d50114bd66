"""Grading spec of exercise 07: parallel DNS look-ups where an unknown name is a result.

The learner's ``resolve_all(domains)`` gets names drawn at random from the lab's zone
(the answers are checked against the zone's A records) mixed with random names that do not
exist (they must come back as ``{"domain", "error"}``), while the lab's DNS server waits
D ms before every answer.

Numbers: D = 300 ms, 12 names (9 known, 3 unknown). One after another: 12 x 0.3 = 3.6 s; at
once: one delay, 0.3 s (the floor; nothing can be answered sooner). Sequential is 12x the
floor; the shared rule accepts up to 1.95 s.
"""

from lab.checks._common import (
    require_asked_dns,
    require_dict_per_input,
    require_joined,
    timed,
    token,
)
from lab.grading.contract import GradeFailure
from lab.i18n import t

DNS_DELAY_MS = 300
KNOWN = 9
UNKNOWN = 3


def setup(ctx):
    ctx.set_dns_delay(DNS_DELAY_MS)
    zone = ctx.zone()
    names = sorted(name for name, records in zone.items() if records.get("A"))
    known = ctx.rng.sample(names, KNOWN)
    unknown = [
        f"{token(ctx.rng, 8)}.{ctx.rng.choice(['lab.test', 'example', 'invalid'])}"
        for _ in range(UNKNOWN)
    ]
    domains = known + unknown
    ctx.rng.shuffle(domains)
    return {"domains": domains, "_answers": {n: zone[n]["A"] for n in known}}


def run(module, case):

    from gevent import monkey

    from lab.grading.timeline import Timeline

    if not monkey.is_module_patched("socket"):
        raise GradeFailure(t("ex07.not_patched"))
    timeline = Timeline()
    module.resolve_host = timeline.wrap(module.resolve_host)
    results = timed(module.resolve_all, list(case["domains"]))
    require_dict_per_input(results, case["domains"], "resolve_all", "name")
    return {
        "results": [{k: r.get(k) for k in ("domain", "ip", "error")} for r in results],
    }


def verify(ctx, case, observed):
    from lab.grading.speed import require_concurrent, require_in_flight

    domains, answers, results = case["domains"], case["_answers"], observed["results"]
    require_joined(observed, "resolve_host", t("joined.joinall"))
    require_asked_dns(observed, domains)
    for domain, result in zip(domains, results):
        if result["domain"] != domain:
            raise GradeFailure(t("ex07.order", domain=domain, got=result["domain"]))
        if domain in answers:
            if result["ip"] not in answers[domain]:
                raise GradeFailure(
                    t(
                        "ex07.wrong_ip",
                        domain=domain,
                        ip=repr(result["ip"]),
                        error=repr(result["error"]),
                        zone=" | ".join(answers[domain]),
                    )
                )
        elif result["ip"] is not None or not result["error"]:
            raise GradeFailure(t("ex07.unknown", domain=domain, result=result))
    delay = DNS_DELAY_MS / 1000
    require_concurrent(
        observed["elapsed"],
        units=len(domains),
        unit_cost=delay,
        floor=delay,
        timeline=observed["timeline"],
        suggestion=t("ex07.suggest"),
        unit="look-ups",
    )
    require_in_flight(
        observed["timeline"],
        len(domains),
        "look-ups",
        t("speed.all_at_once", n=len(domains)),
        suggestion=t("ex07.suggest_spawn"),
    )
