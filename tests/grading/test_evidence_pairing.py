"""Which of httpbin's direct requests came through a grader's extra proxy.

The records are built here as the services write them (the real records are exercised by
test_judge against the embedded lab and by tests/docker against Compose)."""

from __future__ import annotations

from lab.grading.evidence import Delivery, Record, around, http_lanes, through_extra


def link(upstream_local: str, began: float, answered: float) -> dict:
    return {"proxy": "grader_extra_1", "listen": "127.0.0.1:40000", "client": "127.0.0.1:1",
            "upstream_local": upstream_local, "opened": began - 0.01, "client_left": None,
            "closed": answered + 0.01, "exchanges": [[began, answered]]}  # fmt: skip


def direct(peer: str, path: str, arrival: float) -> dict:
    return {"listener": "direct", "peer": peer, "method": "GET", "path": path, "status": 200,
            "bytes": 10, "refused": False, "arrival": arrival, "complete": arrival + 0.01}  # fmt: skip


def test_a_request_from_an_extra_proxys_port_is_its_lane():
    record = Record(http=[direct("127.0.0.1:5001", "/anything/a", 1.0)],
                    side_links=[link("127.0.0.1:5001", 0.99, 1.8)])  # fmt: skip
    assert [lane.end for lane in http_lanes(record, ["/anything/a"], Delivery())] == [1.8]
    assert around(record, ["/anything/a"]) == []


def test_a_published_docker_port_pairs_by_time_and_a_learners_own_dial_is_around():
    """Docker's published port re-originates connections (peer 172.19.0.1:X): the request
    that arrived just after the link passed one on is that link's; a second direct
    request with no link left went around the latency."""
    record = Record(
        http=[direct("172.19.0.1:33924", "/anything/a", 1.02),
              direct("172.19.0.1:33990", "/anything/a", 1.03)],
        side_links=[link("127.0.0.1:5001", 1.0, 1.8)],
    )  # fmt: skip
    assert list(through_extra(record)) == [0]
    assert around(record, ["/anything/a"]) == [record.http[1]]


def test_a_loopback_peer_is_never_paired_by_time():
    """On this machine the peer's port is exact: a direct dial from loopback is not an
    extra proxy's just because one was open at the time."""
    record = Record(http=[direct("127.0.0.1:6000", "/anything/a", 1.02)],
                    side_links=[link("127.0.0.1:5001", 1.0, 1.8)])  # fmt: skip
    assert through_extra(record) == {}
    assert len(around(record, ["/anything/a"])) == 1
