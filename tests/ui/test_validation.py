"""The dashboard's checks of values and requests, without a browser (fast)."""

from __future__ import annotations

import pytest

from lab.ui import write_static_report
from lab.ui.server import Invalid, toxic_from, whole_number
from lab.ui.strings import STRINGS, default_lang
from lab.ui.svg import in_flight, timeline_svg


@pytest.mark.parametrize("bad", [-1, "abc", "100", 1.5, True, None, 60_001])
def test_whole_number_refuses(bad):
    with pytest.raises(Invalid) as e:
        whole_number(bad, "The latency (ms)", 60_000)
    assert e.value.status == 400


def test_toxic_from_every_type_and_its_errors():
    spec = toxic_from({"type": "slicer", "attributes": {"average_size": 10, "delay": 5}})
    assert (spec.type, spec.stream, spec.name) == ("slicer", "downstream", "slicer_downstream")
    for body in (
        {"type": "nope"},
        {"type": "latency", "attributes": {"latency": -1}},
        {"type": "latency", "attributes": {"rate": 1}},
        {"type": "latency", "stream": "sideways"},
        {"type": "latency", "toxicity": 2},
        {"type": "latency", "name": "a b"},
    ):
        with pytest.raises(Invalid):
            toxic_from(body)


def test_every_string_has_both_languages():
    assert all(set(entry) == {"en", "vi"} and all(entry.values()) for entry in STRINGS.values())
    assert default_lang({"LAB_LANG": "vi"}) == "vi"
    assert default_lang({"LAB_LANG": "en", "LANG": "vi_VN.UTF-8"}) == "en"
    assert default_lang({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert default_lang({"LANG": "C.UTF-8"}) == "en"


def test_timeline_svg_lanes_floor_and_in_flight():
    entries = [
        {"label": "a", "start": 0.0, "end": 0.3},
        {"label": "<b>", "start": 0.1, "end": 0.5},
        {"label": "c", "start": 0.2, "end": None},
    ]
    svg = timeline_svg(entries, floor=0.4)
    assert svg.count('class="lane"') == 3 and 'data-lanes="3"' in svg
    assert 'class="floor"' in svg and "&lt;b&gt;" in svg and "<b>" not in svg
    assert max(c for _, c in in_flight(entries, 0.6)) == 3
    assert timeline_svg([]) == ""


def test_timeline_svg_writes_numbers_the_languages_way():
    """Ticks and the floor: "0,4" in Vietnamese, marked (data-num) for the page to rewrite
    when its language button is pressed."""
    entries = [{"label": "a", "start": 0.0, "end": 0.61}]
    en, vi = (
        timeline_svg(entries, floor=0.4, lang="en"),
        timeline_svg(entries, floor=0.4, lang="vi"),
    )
    assert '<tspan data-num="0.40" data-digits="2-2">0.40</tspan> s' in en
    assert '<tspan data-num="0.40" data-digits="2-2">0,40</tspan> s' in vi
    assert '<tspan data-num="0.20" data-digits="0-2">0,2</tspan> s' in vi  # a tick
    assert "0,610 s</title>" in vi and "0.610 s</title>" in en


def test_static_report_of_a_missing_or_foreign_report_says_so(tmp_path):
    for content in (None, "not json", '{"version": 99, "exercises": []}'):
        src = tmp_path / "grade.json"
        if content is not None:
            src.write_text(content)
        out = write_static_report(src, tmp_path / "index.html", lang="vi")
        html = out.read_text()
        assert html.startswith("<!doctype html>") and "Lỗi" in html and "<svg" not in html
