"""Grading spec of exercise 07: parallel DNS look-ups where an unknown name is a result.

The learner's ``resolve_all(domains)`` gets names drawn at random from the lab's zone
(the answers are checked against the zone's A records) mixed with random names that do not
exist (they must come back as ``{"domain", "error"}``), while the lab's DNS server waits
D ms before every answer.

Numbers: D = 300 ms, 12 names (9 known, 3 unknown). One after another: 12 x 0.3 = 3.6 s; at
once: one delay, 0.3 s (the floor; nothing can be answered sooner). Sequential is 12x the
floor; the shared rule accepts up to 1.95 s.

What decides is the DNS server's record: every name asked, all 12 look-ups outstanding at
once (each from its arrival until the server sent its answer), none left or arriving once
``resolve_all`` returned.
"""

from lab.checks._common import plain_list, token
from lab.grading import rules
from lab.grading.contract import GradeFailure
from lab.grading.inside.timed import Timeline, timed
from lab.i18n import t

DNS_DELAY_MS = 300
KNOWN = 9
UNKNOWN = 3
KEYS = ("domain", "ip", "error")


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

    if not monkey.is_module_patched("socket"):
        raise GradeFailure(t("ex07.not_patched"))
    timeline = Timeline()
    module.resolve_host = timeline.wrap(module.resolve_host)
    results = timed(module.resolve_all, list(case["domains"]))
    return {"results": plain_list(results, KEYS)}


def verify(ctx, case, observed, seen):
    domains, answers, results = case["domains"], case["_answers"], observed["results"]
    lanes = seen.dns(domains)
    call = rules.require_finished(seen, lanes, "look-ups", "resolve_host", t("joined.joinall"))
    rules.require_asked_dns(seen.record, domains)
    rules.require_dict_per_input(results, domains, "resolve_all", "name")
    for domain, result in zip(domains, results):
        if result["domain"] != domain:
            raise GradeFailure(t("ex07.order", domain=domain, got=result["domain"]))
        if domain in answers:
            if result["ip"] not in answers[domain]:
                raise GradeFailure(
                    t("ex07.wrong_ip", domain=domain, ip=repr(result["ip"]),
                      error=repr(result["error"]), zone=" | ".join(answers[domain]))
                )  # fmt: skip
        elif result["ip"] is not None or not result["error"]:
            raise GradeFailure(t("ex07.unknown", domain=domain, result=result))
    delay = DNS_DELAY_MS / 1000
    measures = rules.require_fast_enough(
        lanes,
        call.elapsed,
        units=len(domains),
        unit_cost=delay,
        floor=delay,
        suggestion=t("ex07.suggest"),
        what="look-ups",
    )
    in_flight = rules.require_in_flight(
        lanes,
        len(domains),
        "look-ups",
        t("speed.all_at_once", n=len(domains)),
        calls=call.units,
        suggestion=t("ex07.suggest_spawn"),
    )
    return [in_flight, *measures]
