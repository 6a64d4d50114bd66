"""`make hint`, `make watch`, and grading code that crashes: through the real commands.

These exercises (01-03) need no lab, so nothing here starts one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from lab.config import REPO_ROOT
from lab.exercises import find
from tests.cli_process import run_lab

HINTS_01 = [(h.en, h.vi) for h in find("01").hints]


def grader(*args: str, state_dir: Path, lang: str = "en", **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAB_STATE_DIR": str(state_dir), "LAB_LANG": lang}
    return run_lab(*args, env=env, timeout=120, **kw)


def test_hint_shows_one_more_each_time_in_the_learners_language(tmp_path):
    for i, (en, vi) in enumerate(HINTS_01, start=1):
        out = grader("hint", "01", state_dir=tmp_path).stdout
        assert f"Hint {i}/{len(HINTS_01)}" in out
        assert f"Hint {i - 1}/" not in out  # only the new one
        assert " ".join(en.split()[:4]) in " ".join(out.split())
        assert " ".join(vi.split()[:4]) not in " ".join(out.split())
    vi_out = grader("hint", "01", "--all", state_dir=tmp_path, lang="vi").stdout
    assert "Gợi ý 1/" in vi_out and " ".join(HINTS_01[0][1].split()[:4]) in " ".join(vi_out.split())
    assert " ".join(HINTS_01[0][0].split()[:4]) not in " ".join(vi_out.split())
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
    assert proc.returncode == 1 and "make hint EX=01" in proc.stderr


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


class Lines:
    """A process's output lines, read by a thread; ``wait_for`` returns when a line with the
    text has arrived (however busy the machine), or the process ended."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.lines, self.changed = proc, [], threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.lines.append(None)  # the end
            self.changed.notify_all()

    def count(self, text: str) -> int:
        return sum(1 for line in self.lines if line and text in line)

    def wait_for(self, text: str, times: int = 1, cap_s: float = 180) -> None:
        with self.changed:
            done = self.changed.wait_for(
                lambda: self.count(text) >= times or None in self.lines, timeout=cap_s
            )
        assert done and self.count(text) >= times, "".join(filter(None, self.lines))


def test_watch_regrades_on_save_and_stops_on_ctrl_c(tmp_path):
    watched = REPO_ROOT / "tests/grading/fixtures/wrong/ex01_greenlet_switch.py"
    env = {**os.environ, "LAB_STATE_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "lab", "watch", "01", "--target",
           "tests/grading/fixtures/wrong", "--interval", "0.1"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        out = Lines(proc)
        out.wait_for("Waiting for you to save")
        os.utime(watched)  # "save" the file
        out.wait_for("Waiting for you to save", times=2)
        proc.send_signal(signal.SIGINT)
        out.wait_for("Stopped watching.")
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.count("== ") == 2, out.lines  # graded at start and after the save
    assert out.count("FAIL  01") == 2
    assert proc.returncode == 0


def test_greenlet_exercises_need_no_lab(tmp_path):
    """Exercises 01-03 are graded without starting (or even looking for) a lab."""
    proc = grader(
        "check",
        "--target",
        "solutions",
        "03",
        "--report-dir",
        str(tmp_path),
        state_dir=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout
    assert "lab" not in proc.stdout.lower()


COMMANDS = ("up", "down", "status", "latency", "run", "check", "hint", "watch", "reset", "trace")


def test_one_command_line_lists_every_command_and_make_shows_the_same(tmp_path):
    helped = grader("--help", state_dir=tmp_path).stdout
    made = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout
    make_targets = {"up": "lab-up", "down": "lab-down", "status": "lab-status"}
    for command in COMMANDS:
        assert f"    {command} " in helped, command
        assert f"make {make_targets.get(command, command)} " in made, command


def test_a_folder_outside_the_repository_is_graded(tmp_path):
    """A teacher's copy of a learner's work: only the files present are graded."""
    folder = tmp_path / "alice"
    folder.mkdir()
    for stem in ("ex01_greenlet_switch", "ex03_greenlet_generator"):
        (folder / f"{stem}.py").write_text((REPO_ROOT / "solutions" / f"{stem}.py").read_text())
    # A conftest.py beside the learner's files is not the grader's: loaded, it could turn
    # every failure into a pass. It must not even be imported.
    loaded = tmp_path / "conftest-was-loaded"
    (folder / "conftest.py").write_text(
        f"open({str(loaded)!r}, 'w').close()\n"
        "def pytest_runtest_logreport(report):\n    report.outcome = 'passed'\n"
    )
    proc = grader(
        "check", "--target", str(folder), "--report-dir", str(tmp_path), state_dir=tmp_path
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not loaded.exists()
    assert f"Grading {folder}/" in proc.stdout and "2/2 done." in proc.stdout
    report = json.loads((tmp_path / "grade.json").read_text())
    assert report["version"] == 2 and report["target"] == str(folder)
    assert [e["stem"] for e in report["exercises"]] == [
        "ex01_greenlet_switch",
        "ex03_greenlet_generator",
    ]


def test_a_missing_target_or_exercise_is_a_clear_error(tmp_path):
    proc = grader("check", "--target", str(tmp_path / "nope"), state_dir=tmp_path)
    assert proc.returncode == 1 and "no folder" in proc.stderr and "Traceback" not in proc.stderr
    proc = grader("check", "02", "--target", str(tmp_path), state_dir=tmp_path)
    assert proc.returncode == 1 and "ex02_greenlet_pingpong.py" in proc.stderr


def pytest_on_checks(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Plain pytest on lab/checks, as a teacher or an autograder runs it."""
    env = {**os.environ, "LAB_STATE_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "lab/checks", "-p", "no:cacheprovider", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_plain_pytest_grades_the_stubs_as_not_done(tmp_path):
    proc = pytest_on_checks("-k", "greenlet", tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "3 failed" in proc.stdout and "not done yet" in proc.stdout


def test_plain_pytest_passes_the_solutions_with_pytests_own_options(tmp_path):
    junit = tmp_path / "junit.xml"
    proc = pytest_on_checks(
        "--target", "solutions", "-k", "ex01 or ex02", f"--junitxml={junit}", tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stdout
    assert "2 passed, 9 deselected" in proc.stdout
    assert junit.read_text().count("<testcase") == 2


def test_plain_pytest_refuses_a_conftest_from_the_graded_folder(tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    stem = "ex01_greenlet_switch"
    (folder / f"{stem}.py").write_text((REPO_ROOT / "exercises" / f"{stem}.py").read_text())
    (folder / "conftest.py").write_text(  # the stub fails; this would report it passed
        "def pytest_runtest_logreport(report):\n    report.outcome = 'passed'\n"
    )
    proc = pytest_on_checks("--target", str(folder), "-k", "ex01", tmp_path=tmp_path)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # pytest's usage error
    assert "conftest.py from the folder being graded" in proc.stderr
    assert "passed" not in proc.stdout
    proc = pytest_on_checks(
        "--confcutdir=lab/checks", f"--target={folder}", "-k", "ex01", tmp_path=tmp_path
    )
    assert proc.returncode == 1 and "1 failed" in proc.stdout, proc.stdout


def test_reset_restores_the_starting_file_and_keeps_a_backup(tmp_path):
    path = REPO_ROOT / "exercises" / "ex01_greenlet_switch.py"
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n# my work\n")
        proc = grader("reset", "1", state_dir=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert path.read_bytes() == original
        [backup] = (tmp_path / "backups").glob("ex01_greenlet_switch.*.py")
        assert backup.read_bytes().endswith(b"# my work\n")
        assert str(backup) in proc.stdout
        again = grader("reset", "01", state_dir=tmp_path)
        assert "already the starting file" in again.stdout
    finally:
        path.write_bytes(original)


def test_trace_draws_the_timeline_of_a_passing_exercise(tmp_path):
    proc = grader("trace", "04", "--target", "solutions", state_dir=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS  04" in proc.stdout
    assert proc.stdout.count("|#") >= 2, proc.stdout  # one lane per countdown
