"""The dashboard's HTTP API through a real ``gevent-lab ui`` process (no browser): every
refusal is a JSON ``{"error": ...}`` with the right status, and the page, its files and the
event stream are served with their own types and headers."""

from __future__ import annotations

import pytest
import requests

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "words"),
    [
        ("GET", "/nope", {}, 404, "Nothing at /nope"),
        ("GET", "/api/nope/deeper", {}, 404, "Nothing at"),
        ("POST", "/api/state", {"json": {}}, 405, "not supported"),
        ("POST", "/api/grade", {"data": b"x" * (65 * 1024), "headers": JSON}, 413, "too large"),
        ("POST", "/api/grade", {"data": "{bad", "headers": JSON}, 400, "not valid JSON"),
        ("POST", "/api/grade", {"json": [1]}, 400, "JSON object"),
        ("POST", "/api/grade", {"json": {"exercise": True}}, 400, "Which exercise"),
        ("POST", "/api/grade", {"json": {"exercise": "99"}}, 400, "99"),
        ("POST", "/api/proxies/nope/latency", {"json": {"latency": 1}}, 404, "no proxy"),
        ("POST", "/api/proxies/a%20b/latency", {"json": {"latency": 1}}, 404, "No proxy"),
        ("PUT", "/api/proxies/httpbin/enabled", {"json": {"enabled": "no"}}, 400, "true or false"),
        ("POST", "/api/proxies/httpbin/toxics", {"json": {"type": "x"}}, 400, "Unknown toxic"),
        ("DELETE", "/api/proxies/httpbin/toxics/none", {"headers": JSON}, 404, "no toxic"),
        ("PUT", "/api/dns/delay", {"json": {"delay": 60_001}}, 400, "between 0 and 60000"),
    ],
)
def test_every_refusal_is_json(ui_server, method, path, kwargs, status, words):
    r = requests.request(method, ui_server.url + path, timeout=10, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Cache-Control"] == "no-store"
    assert words in r.json()["error"]


def test_page_files_and_event_stream(ui_server):
    for path, ctype in (
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
    ):
        r = requests.get(ui_server.url + path, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    with requests.get(ui_server.url + "/events", stream=True, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        lines = r.iter_lines()
        assert next(lines) == b"retry: 1000"
        assert b"event: lab" in {next(lines) for _ in range(3)}
