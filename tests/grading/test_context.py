"""GradeContext against a real lab: what it changes, ``restore()`` puts back."""

import random

import pytest
import requests
from toxiproxy.api import APIConsumer

from lab.config import LabConfig
from lab.control import parse_zone, toxiproxy_at
from lab.exercises import find
from lab.grading.context import GradeContext
from lab.grading.engine import Grader
from lab.grading.labsession import check_lab
from lab.grading.result import FailureKind, Status
from lab.grading.target import resolve_target
from lab.net import free_port


@pytest.fixture(autouse=True)
def keep_toxiproxy_endpoint():
    """GradeContext aims toxiproxy-python's global endpoint at its lab: undo that here."""
    saved = APIConsumer.host, APIConsumer.port
    yield
    APIConsumer.host, APIConsumer.port = saved


def toxics(lab_cfg, proxy="httpbin"):
    with toxiproxy_at(lab_cfg) as tp:
        return {
            t.name: (t.type, t.stream, t.attributes) for t in tp.get_proxy(proxy).toxics().values()
        }


def test_changes_are_undone_by_restore(lab_cfg):
    ctx = GradeContext(lab_cfg, seed=1, stem="ex99_test")
    with toxiproxy_at(lab_cfg) as tp:
        proxies_before = set(tp.proxies())
    before = (toxics(lab_cfg), ctx.dns_delay())
    ctx.snapshot()
    try:
        ctx.set_latency(120, jitter=5)
        assert toxics(lab_cfg) == {
            "latency_downstream": ("latency", "downstream", {"latency": 120, "jitter": 5})
        }
        ctx.add_toxic("bandwidth", {"rate": 50}, name="slow")
        assert set(toxics(lab_cfg)) == {"latency_downstream", "slow"}
        ctx.set_dns_delay(40)
        assert ctx.dns_delay() == 40
        listen = ctx.make_proxy(f"{lab_cfg.host}:{lab_cfg.httpbin_upstream_port}", latency_ms=30)
        host, port = listen.rsplit(":", 1)
        assert requests.get(f"http://{host}:{port}/get", timeout=5).ok
    finally:
        ctx.restore()
    assert (toxics(lab_cfg), ctx.dns_delay()) == before
    with toxiproxy_at(lab_cfg) as tp:
        assert set(tp.proxies()) == proxies_before


def test_each_exercise_gets_its_own_repeatable_random_stream(lab_cfg):
    draw = lambda seed, stem: GradeContext(lab_cfg, seed, stem=stem).rng.random()  # noqa: E731
    assert draw(5, "ex06_a") == draw(5, "ex06_a")
    assert draw(5, "ex06_a") != draw(5, "ex07_b")
    assert draw(5, "ex06_a") != draw(6, "ex06_a")
    assert isinstance(GradeContext(lab_cfg, 5).rng, random.Random)


def test_zone_comes_from_the_dns_server_and_matches_the_zone_file(lab_cfg):
    zone = GradeContext(lab_cfg, seed=1).zone()
    assert zone == parse_zone()
    assert zone["python.org"]["A"] and "w00.lab.test" in zone


def test_check_lab_names_what_does_not_answer(lab_cfg):
    assert check_lab(lab_cfg) == []
    dead = LabConfig(
        toxiproxy_port=free_port(), httpbin_upstream_port=free_port(), dns_control_port=free_port()
    )
    assert len(check_lab(dead)) == 3


def test_a_lab_that_stopped_answering_is_a_lab_error_not_a_crash():
    dead = LabConfig(
        toxiproxy_port=free_port(), httpbin_upstream_port=free_port(), dns_control_port=free_port()
    )
    outcome = Grader(dead, resolve_target("solutions"), seed=1).grade(find("06"))
    assert outcome.status is Status.FAILED and outcome.kind is FailureKind.LAB_ERROR
    assert "make lab-status" in outcome.reason


def test_the_record_of_a_run_leaves_out_what_began_before_its_marks(lab_cfg):
    """A request an earlier exercise left waiting at httpbin (a killed greenlet's) ends
    during the next one: it is not that run's."""
    import threading
    import time

    from lab.grading import evidence

    def get(path):
        requests.get(f"{lab_cfg.httpbin_url}{path}", timeout=10)

    earlier = threading.Thread(target=get, args=("/delay/1?earlier",))
    earlier.start()
    time.sleep(0.3)  # it has arrived at httpbin
    marks = evidence.mark(lab_cfg)
    get("/anything/during")
    pending = evidence.collect(marks)
    earlier.join()
    record = evidence.collect(marks)
    for seen in (pending, record):
        paths = [e["path"] for e in seen.http]
        assert "/anything/during" in paths and not any("earlier" in p for p in paths), paths
