"""`make hint`, `make watch`, and grading code that crashes: through the real commands.

These exercises (01-03) need no lab, so nothing here starts one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from lab.config import REPO_ROOT
from lab.grading.harness import load_spec

HINTS_01 = load_spec("ex01_greenlet_switch").HINTS


def grader(*args: str, state_dir: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAB_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "tests.grader", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def test_hint_shows_one_more_each_time_in_both_languages(tmp_path):
    for i, (en, vi) in enumerate(HINTS_01, start=1):
        out = grader("hint", "01", state_dir=tmp_path).stdout
        assert f"Hint {i}/{len(HINTS_01)}" in out
        assert f"Hint {i - 1}/" not in out  # only the new one
        assert en.split()[0] in out and vi.split()[0] in out
    last = grader("hint", "01", state_dir=tmp_path).stdout
    assert f"Hint {len(HINTS_01)}/{len(HINTS_01)}" in last and "last hint" in last
    assert json.loads((tmp_path / "hints.json").read_text()) == {
        "ex01_greenlet_switch": len(HINTS_01)
    }


def test_hint_all_and_reset(tmp_path):
    out = grader("hint", "1", "--all", state_dir=tmp_path).stdout
    assert all(f"Hint {i}/" in out for i in range(1, len(HINTS_01) + 1))
    grader("hint", "01", "--reset", state_dir=tmp_path)
    assert "Hint 1/" in grader("hint", "01", state_dir=tmp_path).stdout


def test_hint_without_a_known_exercise_says_which(tmp_path):
    proc = grader("hint", "99", state_dir=tmp_path)
    assert proc.returncode == 2 and "make hint EX=01" in proc.stdout


def test_crashing_code_is_a_readable_failure_not_a_grader_crash(tmp_path):
    proc = grader(
        "check",
        "--target",
        "tests.grading.fixtures.crashes",
        "--report-dir",
        str(tmp_path),
        state_dir=tmp_path,
    )
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" not in proc.stdout + proc.stderr
    report = {e["stem"]: e for e in json.loads((tmp_path / "grade.json").read_text())["exercises"]}
    switch = report["ex01_greenlet_switch"]
    assert switch["kind"] == "crash"
    assert "ZeroDivisionError" in switch["reason"]
    assert (
        'tests/grading/fixtures/crashes/ex01_greenlet_switch.py", line 19, in task_b'
        in switch["reason"]
    )
    assert "runner.py" not in switch["reason"]
    assert "NameError" in report["ex02_greenlet_pingpong"]["reason"]
    assert "SystemExit" in report["ex03_greenlet_generator"]["reason"]


def test_watch_regrades_on_save_and_stops_on_ctrl_c(tmp_path):
    watched = REPO_ROOT / "tests/grading/fixtures/wrong/ex01_greenlet_switch.py"
    env = {**os.environ, "LAB_STATE_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.grader",
            "watch",
            "01",
            "--target",
            "tests.grading.fixtures.wrong",
            "--interval",
            "0.1",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []

        def read_until(text: str) -> None:
            while True:
                line = proc.stdout.readline()
                assert line, "watch ended early:\n" + "".join(lines)
                lines.append(line)
                if text in line:
                    return

        read_until("Waiting for you to save")
        os.utime(watched)  # "save" the file
        read_until("Waiting for you to save")
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = "".join(lines) + rest
    assert output.count("== ") == 2, output  # graded at start and after the save
    assert output.count("FAIL  01") == 2
    assert "Stopped watching." in output
    assert proc.returncode == 0


def test_greenlet_exercises_need_no_lab(tmp_path):
    """Exercises 01-03 are graded without starting (or even looking for) a lab."""
    proc = grader(
        "check",
        "--target",
        "solutions",
        "--ex",
        "03",
        "--report-dir",
        str(tmp_path),
        state_dir=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout
    assert "lab" not in proc.stdout.lower()
