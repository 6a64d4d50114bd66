"""The summary's pure parts: failure reasons grouped by what went wrong, the CSV, points,
and the one reader of the grader's grade.json (lab.classroom.results)."""

from __future__ import annotations

import json

import pytest

from lab.classroom import reasons, results, summary
from lab.exercises import find


def test_reasons_group_by_kind_and_head_not_exact_text():
    failures = [
        ("bob", "wrong", "returned before joining: 5 countdown call(s) still running (e.g. A)"),
        ("amy", "wrong", "returned before joining: 2 countdown call(s) still running (e.g. Q)"),
        ("cid", "slow", "at most 4 requests in flight at once; this exercise asks for all 17"),
        ("dan", "slow", "at most 1 requests in flight at once; this exercise asks for all 12"),
        ("eve", "wrong", "the event loop was blocked for 2.9 s at ../x/ex04.py:16 in time.sleep"),
        ("fay", "wrong", "the event loop was blocked for 3.1 s at ../y/ex04.py:17 in time.sleep"),
        ("gus", "timeout", "timed out after 20 s and was stopped: something waits forever"),
    ]
    groups = reasons.group(failures)
    assert [(g["count"], g["kind"], g["head"], g["learners"]) for g in groups] == [
        (2, "slow", "at most 4 requests in flight at once; this exercise asks for all 17",
         ["cid", "dan"]),
        (2, "wrong", "returned before joining", ["amy", "bob"]),
        (2, "wrong", "the event loop was blocked for 2.9 s at ../x/ex04.py:16 in time.sleep",
         ["eve", "fay"]),
        (1, "timeout", "timed out after 20 s and was stopped", ["gus"]),
    ]  # fmt: skip
    assert reasons.head("") == "" and reasons.head("a: b") == "a: b"  # too short to cut


def grade_json(tmp_path, exercises: list[dict], version: int = 2):
    path = tmp_path / "grade.json"
    path.write_text(json.dumps({"version": version, "exercises": exercises}))
    return path


def test_read_grade_is_the_one_reader_of_grade_json(tmp_path):
    path = grade_json(tmp_path, [
        {"number": "04", "stem": "ex04_gevent_countdown", "status": "passed", "kind": None,
         "reason": "", "seconds": 0.7, "evidence": "6 countdowns, 6 at once, 0.61 s"},
        {"number": "06", "stem": "ex06_parallel_http", "status": "failed", "kind": "slow",
         "reason": "took 4 s\nmore", "seconds": 5.0},
    ])  # fmt: skip
    got = results.read_grade(path)
    assert got["04"]["evidence"] == "6 countdowns, 6 at once, 0.61 s"
    assert got["06"] == {"status": "failed", "kind": "slow", "reason": "took 4 s\nmore",
                         "evidence": "", "seconds": 5.0}  # fmt: skip
    with pytest.raises(results.GradeUnreadable, match="another version"):
        results.read_grade(grade_json(tmp_path, [], version=1))
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(results.GradeUnreadable):
        results.read_grade(tmp_path / "bad.json")


def result(name: str, status: str, exercises: dict) -> dict:
    return {"learner": name, "status": status, "error": None if status == "graded" else "gone",
            "seed": 1, "source": name, "commit": None, "exercises": exercises}  # fmt: skip


def test_summary_points_csv_and_rates():
    chosen = [find("04"), find("06")]
    rs = [
        result("zoe", "graded", {"04": {"status": "passed", "kind": None, "reason": "",
                                        "evidence": "6 at once"}}),
        result("ann", "graded", {"04": {"status": "failed", "kind": "wrong", "reason": "x: y"},
                                 "06": {"status": "failed", "kind": "lab-error",
                                        "reason": "the lab did not answer"}}),
        result("kim", "error", {}),
    ]  # fmt: skip
    data = summary.build(rs, chosen, {"04": 2, "06": 0.5}, "en", [{"line": 3, "message": "m"}])
    assert [lr["learner"] for lr in data["learners"]] == ["ann", "kim", "zoe"]
    assert summary.csv_text(data).splitlines() == [
        "learner,ex04,ex06,total",
        "ann,0,,0",  # a LAB verdict is not a grade
        "kim,,,",
        "zoe,2,0,2",  # no file for ex06: not started, 0 points
    ]
    assert data["by_exercise"]["04"]["rate"] == 0.5
    assert data["by_exercise"]["06"]["graded"] == 1  # zoe's TODO counts, ann's LAB does not
    assert data["max_total"] == 2.5
    page = summary.html(data)
    assert "roster line 3: m" in page and "50% (1/2)" in page


def test_unsandboxed_without_root_gives_each_grading_free_ports(tmp_path):
    from lab.classroom import box

    work = box.Work(tmp_path, tmp_path / "exercises")
    one = box.environment(work, "ports", "en", "run")
    two = box.environment(work, "ports", "en", "run")
    ports = [int(one[k]) for k in box.PORT_VARS] + [int(two[k]) for k in box.PORT_VARS]
    assert len(set(ports)) == 12 and not set(ports) & set(box.PORT_VARS.values())
    inside = box.environment(work, "bwrap", "en", "run", uid=10007)
    assert {k: inside[k] for k in box.PORT_VARS} == {k: str(v) for k, v in box.PORT_VARS.items()}
    assert inside["LAB_SANDBOX_UID"] == "10007" and inside["LAB_STATE_DIR"] == "/tmp/grading/state"
    assert not {"HOME", "PATH"} - set(inside) and "SSH_AUTH_SOCK" not in inside
