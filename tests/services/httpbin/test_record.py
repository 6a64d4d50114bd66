"""httpbin's record of the requests it answered (``GET /lab/record``), through real sockets."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from lab.net import free_port

from .conftest import HOST, start_httpbin

SLACK = 0.5  # seconds a busy 2-core machine may keep a process from running


def read_record(base_url: str, since: int = 0, **params) -> dict:
    r = requests.get(f"{base_url}/lab/record", params={"since": since, **params}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/json"
    return r.json()


def new_entries(base_url: str, since: int) -> list[dict]:
    body = read_record(base_url, since)
    assert body["dropped"] == 0
    return body["entries"]


@pytest.fixture(scope="module")
def two_listeners(tmp_path_factory):
    """httpbin with a "direct" (--port) and an "upstream" (--upstream-port) listener."""
    upstream_port = free_port(HOST)
    service = start_httpbin(
        tmp_path_factory.mktemp("httpbin-record"), "--upstream-port", str(upstream_port)
    )
    service.upstream_url = f"http://{HOST}:{upstream_port}"
    yield service
    service.stop()


def test_sixteen_concurrent_requests_give_sixteen_overlapping_entries(two_listeners):
    url = two_listeners.upstream_url
    since = read_record(url)["next"]
    barrier = threading.Barrier(16)
    statuses = []

    def fetch(i):
        barrier.wait()
        statuses.append(requests.get(f"{url}/delay/0.5", params={"n": i}, timeout=30).status_code)

    before = time.time()
    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    after = time.time()
    assert statuses == [200] * 16

    entries = [e for e in new_entries(url, since) if e["path"].startswith("/delay/0.5?")]
    assert sorted(e["path"] for e in entries) == sorted(f"/delay/0.5?n={i}" for i in range(16))
    assert {e["listener"] for e in entries} == {"upstream"}
    assert {e["method"] for e in entries} == {"GET"}
    assert {e["status"] for e in entries} == {200}
    assert len({e["conn"] for e in entries}) == 16  # one connection each
    assert len({e["peer"] for e in entries}) == 16
    for e in entries:
        # "complete" is read after the last send, which the client may have received and
        # acted on first: allow for the server being descheduled in between.
        assert before <= e["arrival"] <= e["complete"] <= after + SLACK, e
        assert e["complete"] - e["arrival"] >= 0.5, e
        assert e["peer"].startswith("127.0.0.1:")
        assert e["bytes"] > 0
    # All sixteen were in progress at one same moment: served concurrently.
    assert max(e["arrival"] for e in entries) < min(e["complete"] for e in entries)
    seqs = [e["seq"] for e in new_entries(url, since)]
    assert seqs == list(range(since, since + len(seqs)))


def test_keep_alive_requests_share_a_connection_id(two_listeners):
    url = two_listeners.upstream_url
    since = read_record(url)["next"]
    with requests.Session() as a, requests.Session() as b:
        for i in range(3):
            assert a.get(f"{url}/get", params={"session": "a", "i": i}, timeout=10).ok
        assert b.get(f"{url}/get", params={"session": "b"}, timeout=10).ok
    entries = new_entries(url, since)
    by_session = {}
    for e in entries:
        by_session.setdefault(e["path"].split("session=")[1][0], []).append(e)
    a_entries, b_entries = by_session["a"], by_session["b"]
    assert len(a_entries) == 3 and len(b_entries) == 1
    assert len({e["conn"] for e in a_entries}) == 1
    assert len({e["peer"] for e in a_entries}) == 1
    assert b_entries[0]["conn"] != a_entries[0]["conn"]


def test_each_listener_labels_its_requests(two_listeners):
    since = read_record(two_listeners.url)["next"]
    assert requests.get(f"{two_listeners.url}/status/204", timeout=10).status_code == 204
    assert requests.post(f"{two_listeners.upstream_url}/post?x=1", data=b"hi", timeout=10).ok
    entries = new_entries(two_listeners.upstream_url, since)  # one record for both ports
    assert [(e["listener"], e["method"], e["path"], e["status"]) for e in entries] == [
        ("direct", "GET", "/status/204", 204),
        ("upstream", "POST", "/post?x=1", 200),
    ]


def test_a_single_port_is_the_direct_listener(httpbin):
    since = read_record(httpbin.url)["next"]
    assert requests.get(f"{httpbin.url}/get", timeout=10).ok
    assert [(e["listener"], e["path"]) for e in new_entries(httpbin.url, since)] == [
        ("direct", "/get")
    ]


def test_reading_the_record_and_health_checks_are_not_recorded(two_listeners):
    first = read_record(two_listeners.url)["next"]
    for _ in range(3):
        read_record(two_listeners.url, first)
        r = requests.get(f"{two_listeners.url}/lab/health", timeout=10)
        assert (r.status_code, r.json()) == (200, {"status": "ok"})
    requests.get(f"{two_listeners.url}/lab/record", params={"since": "bad"}, timeout=10)
    body = read_record(two_listeners.url, first)
    assert (body["next"], body["entries"]) == (first, [])


def test_since_and_limit_page_through_the_record(two_listeners):
    url = two_listeners.url
    since = read_record(url)["next"]
    for i in range(5):
        assert requests.get(f"{url}/get", params={"page": i}, timeout=10).ok
    pages, cursor = [], since
    while True:
        body = read_record(url, cursor, limit=2)
        if not body["entries"]:
            break
        assert len(body["entries"]) <= 2 and body["next"] == cursor + len(body["entries"])
        pages.append([e["path"] for e in body["entries"]])
        cursor = body["next"]
    assert pages == [
        ["/get?page=0", "/get?page=1"],
        ["/get?page=2", "/get?page=3"],
        ["/get?page=4"],
    ]
    assert read_record(url, cursor + 100)["entries"] == []  # a cursor from the future


def test_evicted_entries_are_reported(tmp_path):
    service = start_httpbin(tmp_path, "--record-size", "5")
    try:
        for i in range(8):
            assert requests.get(f"{service.url}/get", params={"i": i}, timeout=10).ok
        body = read_record(service.url, 0)
        assert (body["next"], body["dropped"], body["first"], body["capacity"]) == (8, 3, 3, 5)
        assert [e["seq"] for e in body["entries"]] == [3, 4, 5, 6, 7]
        assert [e["path"] for e in body["entries"]] == [f"/get?i={i}" for i in range(3, 8)]
        later = read_record(service.url, 4)
        assert later["dropped"] == 0 and [e["seq"] for e in later["entries"]] == [4, 5, 6, 7]
        assert later["instance"] == body["instance"]
    finally:
        assert service.stop() == 0


@pytest.mark.parametrize(
    "query",
    ["since=-1", "since=abc", "since=1.5", "since=1&since=2", "limit=0", "since=%FF"],
)
def test_bad_queries_are_400_json(two_listeners, query):
    r = requests.get(f"{two_listeners.url}/lab/record?{query}", timeout=10)
    assert r.status_code == 400
    assert r.json()["status"] == 400 and r.json()["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_no_method_changes_the_record(two_listeners, method):
    before = read_record(two_listeners.url)
    r = requests.request(method, f"{two_listeners.url}/lab/record", timeout=10)
    assert r.status_code == 405
    assert r.json() == {"error": "only GET reads /lab/record", "status": 405}
    assert read_record(two_listeners.url)["next"] == before["next"]


def test_an_unparsable_request_is_recorded_as_pywsgis_400(two_listeners):
    since = read_record(two_listeners.url)["next"]
    with socket.create_connection((HOST, int(two_listeners.url.rsplit(":", 1)[1])), 10) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    entries = new_entries(two_listeners.url, since)
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [(None, None, 400)]
    assert requests.get(f"{two_listeners.url}/get", timeout=10).ok  # still serving
