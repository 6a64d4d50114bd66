"""What the learner reads: Vietnamese or English, progress, trace, the blocked-loop detector
and the messages that point the right way. Real processes: ``python -m lab check|trace``
against this session's own lab (``lab_cfg``), fixtures under tests/grading/fixtures/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lab import makehelp
from lab.config import REPO_ROOT
from lab.exercises import all_exercises, find
from tests.cli_process import learner_shell, run_lab
from tests.conftest import free_lab_config

pytestmark = pytest.mark.slow

# English that must not appear when LAB_LANG=vi (code, names and paths may).
ENGLISH = ["not done", "Grading ", "Next", "Stuck", "Your progress", "the running lab",
           "exercises done", "Likely cause", "took ", "event loop", "Warning"]  # fmt: skip


def lab(lab_cfg, *args: str, lang: str = "en", timeout: float = 240) -> str:
    env = {**os.environ, **lab_cfg.to_env(), "LAB_LANG": lang}
    proc = run_lab(*args, env=env, timeout=timeout)
    output = proc.stdout + proc.stderr
    assert "Traceback (most recent call last)" not in proc.stderr, output
    return output


# Words an English sentence can hardly do without, and Vietnamese never uses.
ENGLISH_WORDS = re.compile(
    r"\b(the|was|were|is|are|not|of|to|and|your|with|must|should|got|expected|never|only|"
    r"took|for|from|than|after|before|when|while|that|this|which|every|each)\b",
    re.IGNORECASE,
)
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def prose(output: str) -> list[str]:
    """The grader's own sentences: without tracebacks, exception texts (Python's, not
    ours), code spans, quoted values, dicts, lists, paths and the learner's task names."""
    kept = []
    for line in output.splitlines():
        if re.match(r"\s{10,}\S|\s*File \"|\s*[\w.]+(Error|Exception|Exit): ", line):
            continue
        line = re.sub(r"(ngoại lệ|raised) [\w.]+: .*|(báo lỗi|says): .*", "", line)
        line = re.sub(r"--[\w-]+", "", line)  # option names: --dns-only
        line = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\{[^}]*\}|\[[^\]]*\]", "", line)
        line = re.sub(r"\S+\.py\S*|Tác vụ \w|\|[^|]*\|", "", line)
        kept.append(line)
    return kept


def only_vietnamese(output: str) -> None:
    for word in ENGLISH:
        assert word not in output, f"{word!r} in Vietnamese output:\n{output}"
    for ex in all_exercises():
        assert ex.title.en not in output
    english = [ln for ln in prose(output) if ENGLISH_WORDS.search(ln)]
    assert not english, "English in Vietnamese output:\n" + "\n".join(english)


def only_english(output: str) -> None:
    vietnamese = [ln for ln in prose(output) if VIETNAMESE_LETTERS.search(ln)]
    assert not vietnamese, "Vietnamese in English output:\n" + "\n".join(vietnamese)


# Failing fixtures whose messages come from every part of the grader: shared checks,
# per-exercise checks (01, 03, 04, 08, 09), the lab-changed rule and the speed rule.
FAILING = ["untested_clauses", "missing_join", "one_end_marker", "partial", "toxics_removed"]


@pytest.mark.parametrize("fixture", FAILING)
def test_failing_fixtures_speak_one_language(lab_cfg, tmp_path, fixture):
    target = f"tests.grading.fixtures.{fixture}"
    vi = lab(lab_cfg, "check", "--target", target, "--report-dir", str(tmp_path), lang="vi")
    assert "CHƯA ĐẠT" in vi, vi
    only_vietnamese(vi)
    en = lab(lab_cfg, "check", "--target", target, "--report-dir", str(tmp_path), lang="en")
    assert "FAIL" in en, en
    only_english(en)


def test_untouched_stubs_speak_vietnamese(lab_cfg, tmp_path):
    out = lab(lab_cfg, "check", "--report-dir", str(tmp_path), lang="vi")
    only_vietnamese(out)
    only_english(lab(lab_cfg, "check", "--report-dir", str(tmp_path), lang="en"))
    assert "Đã xong 0/11 bài." in out and "Tiến độ của bạn" in out
    assert "còn TODO 1 (exercises/ex01_greenlet_switch.py:" in out


def test_untouched_stubs_in_english_name_todo_1_first(lab_cfg, tmp_path):
    out = lab(lab_cfg, "check", "01", "--report-dir", str(tmp_path))
    line = next(ln for ln in out.splitlines() if " 01 " in ln)
    assert "not done yet: TODO 1: task_a (exercises/ex01_greenlet_switch.py:" in line
    assert "TODO 3" not in line


def blocking_line(fixture: Path) -> int:
    text = fixture.read_text().splitlines()
    return next(i for i, ln in enumerate(text, 1) if "# BLOCKING_LINE" in ln)


BLOCKED = REPO_ROOT / "tests/grading/fixtures/blocked/ex04_gevent_countdown.py"


def test_a_blocked_loop_names_the_learners_line(lab_cfg, tmp_path):
    where = f"tests/grading/fixtures/blocked/ex04_gevent_countdown.py:{blocking_line(BLOCKED)}"
    out = lab(lab_cfg, "check", "04", "--target", "tests.grading.fixtures.blocked",
              "--report-dir", str(tmp_path))  # fmt: skip
    assert re.search(
        rf"FAIL  04 .*: the event loop was blocked for \d+\.\d\d s at {where} in "
        r"time\.sleep: without monkey patching, time\.sleep blocks every greenlet",
        out,
    ), out
    report = json.loads((tmp_path / "grade.json").read_text())
    assert report["exercises"][0]["blocked"]
    vi = lab(lab_cfg, "check", "04", "--target", "tests.grading.fixtures.blocked",
             "--report-dir", str(tmp_path), lang="vi")  # fmt: skip
    assert "vòng lặp sự kiện bị chặn" in vi and f"tại {where} trong time.sleep" in vi
    only_vietnamese(vi)


def test_trace_of_a_blocked_loop_lists_the_blocks(lab_cfg):
    out = lab(lab_cfg, "trace", "04", "--target", "tests.grading.fixtures.blocked")
    assert "Event loop blocked:" in out and "in time.sleep" in out


def test_trace_01_shows_every_greenlet_switch(lab_cfg):
    out = lab(lab_cfg, "trace", "01", "--target", "solutions")
    assert "6 greenlet switches, in order" in out
    assert re.search(r"1\. switch main @ start:\d+ -> worker_a", out), out
    assert "worker_b (its function ended) -> worker_a: resumes in task_a" in out


def test_trace_06_draws_every_lane_and_the_floor(lab_cfg):
    out = lab(lab_cfg, "trace", "06", "--target", "solutions")
    assert "PASS  06" in out, out
    seen, _, calls = out.partition("Your calls, as your process reported them:")
    lanes = [ln for ln in seen.splitlines() if re.search(r"\|[# |]+\|$", ln)]
    # What httpbin saw: the 17 requests that reached it (16 through the lab's proxy, the
    # slow one through the grader's), all outstanding together; the check says the same.
    assert "What httpbin saw:" in seen and len(lanes) == 17, out
    assert "17 lanes, at most 17 at once" in seen and "httpbin saw 17 requests" in out, out
    # The process's own 18 calls (the refused address too): 17 or 18 overlap, as the refused
    # one may fail before the last request starts on a loaded machine.
    lanes = [ln for ln in calls.splitlines() if re.search(r"\|[# |]+\|$", ln)]
    assert len(lanes) == 18 and re.search(r"18 lanes, at most 1[78] at once", calls), out
    assert "^ floor 0.80s" in out
    assert "Event loop: never blocked" in out


@pytest.fixture
def two_solutions(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for code in ("01", "02"):
        shutil.copy(find(code).file_in(REPO_ROOT / "solutions"), folder)
    return folder


def test_progress_next_exercise_and_merged_report(lab_cfg, tmp_path, two_solutions):
    reports = tmp_path / "reports"
    out = lab(lab_cfg, "check", "01", "--target", str(two_solutions), "--report-dir", str(reports))
    assert "PASS  01" in out and "Next exercise: 02 " in out, out
    out = lab(lab_cfg, "check", "02", "--target", str(two_solutions), "--report-dir", str(reports))
    assert "Next exercise: 03 " in out, out
    report = json.loads((reports / "grade.json").read_text())
    assert report["version"] == 2
    assert [e["number"] for e in report["exercises"]] == ["01", "02"]
    suite = ElementTree.parse(reports / "junit.xml").getroot().find("testsuite")
    assert [c.get("classname") for c in suite.iter("testcase")] == [
        "ex01_greenlet_switch",
        "ex02_greenlet_pingpong",
    ]
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert report["points"] == report["max_points"] == 2
    assert subprocess.run([sys.executable, "-m", "lab.grading.report", str(reports / "grade.json")],
                          cwd=REPO_ROOT, env={**os.environ, **lab_cfg.to_env()}).returncode == 0  # fmt: skip
    state = json.loads((Path(lab_cfg.state_dir) / "progress.json").read_text())
    mine = next(v for k, v in state["targets"].items() if k.rstrip("/").endswith("mine"))
    assert {k: v["status"] for k, v in mine.items()} == {
        "ex01_greenlet_switch": "done",
        "ex02_greenlet_pingpong": "done",
    }
    out = lab(lab_cfg, "check", "--target", str(two_solutions), "--report-dir", str(reports))
    assert "2/11 exercises done" in out and "✔ 01" in out and "not started" in out


def test_ex07_without_patch_socket_says_so(lab_cfg, tmp_path):
    out = lab(lab_cfg, "check", "07", "--target", "tests.grading.fixtures.unpatched_dns",
              "--report-dir", str(tmp_path))  # fmt: skip
    assert "the socket module was not patched" in out and "lab's DNS server" in out, out


def test_ex08_with_one_end_marker_counts_markers_not_items(lab_cfg, tmp_path):
    out = lab(lab_cfg, "check", "08", "--target", "tests.grading.fixtures.one_end_marker",
              "--report-dir", str(tmp_path))  # fmt: skip
    assert "consumers but the producer put 1 end marker(s)" in out, out
    assert not re.search(r"consumed \d+ of \d+", out)


def test_ex06_without_try_except_shows_the_learners_fetch_url(lab_cfg, tmp_path):
    fixture = REPO_ROOT / "tests/grading/fixtures/uncaught/ex06_parallel_http.py"
    line = next(i for i, ln in enumerate(fixture.read_text().splitlines(), 1)
                if "# UNCAUGHT_LINE" in ln)  # fmt: skip
    out = lab(lab_cfg, "check", "06", "--target", "tests.grading.fixtures.uncaught",
              "--report-dir", str(tmp_path))  # fmt: skip
    assert "your fetch_url let" in out and "Catch requests.RequestException" in out, out
    assert f'ex06_parallel_http.py", line {line}, in fetch_url' in out, out


def test_slow_messages_explain_units(lab_cfg, tmp_path):
    out = lab(lab_cfg, "check", "04", "--target", "tests.grading.fixtures.sequential",
              "--report-dir", str(tmp_path))  # fmt: skip
    assert "a unit is one piece of work the grader times: here one of the countdowns" in out


# -- the front door, the exercises' own output and a failed lab-up, in one language -----------
SUBCOMMANDS = ("up", "down", "status", "latency", "run", "check", "hint", "watch", "reset",
               "trace", "ui")  # fmt: skip


def learner_env(lang: str) -> dict[str, str]:
    """A learner's shell: no LAB_*, CI or STRICT of this session's, English locale."""
    env = learner_shell()
    return {**env, "LAB_LANG": lang, "LANG": "C.UTF-8"}


def speaks(lang: str, output: str) -> None:
    only_vietnamese(output) if lang == "vi" else only_english(output)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_make_help_and_every_help_speak_one_language(lang):
    made = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO_ROOT,
                          env=learner_env(lang), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert all(f"make {target} " in made.stdout for target in makehelp.LEARNER), made.stdout
    speaks(lang, made.stdout)
    for command in (None, *SUBCOMMANDS):
        args = [command, "--help"] if command else ["--help"]
        helped = run_lab(*args, env=learner_env(lang), timeout=60)
        assert helped.returncode == 0, helped.stderr
        speaks(lang, helped.stdout)
    wrong = run_lab("check", "--seed", "x", env=learner_env(lang), timeout=60)
    assert wrong.returncode == 2
    speaks(lang, wrong.stderr)  # argparse's own error text


# The lines an exercise asks for, which the checks read: the source's, in Vietnamese in both
# languages (and the data the programs print: words they fetch, errors they return).
SOURCE_LINES = re.compile(
    r"nhận giá trị|task_b xử lý|task_b xong|lấy dữ liệu|\[PARSER\]|tiếp tục xử lý|"
    r"Tác vụ \w: |Đưa vào: |Tiêu thụ: |Đang tải |Xong |xin chào|lỗi DNS"
)


def program_prose(output: str, lang: str) -> str:
    """An exercise program's own words: without what it fetched or was told (after "→", an
    exception's text), and in English without the source's Vietnamese lines."""
    kept = []
    for line in output.splitlines():
        line = line.split("→")[0]
        line = re.sub(r"^(Lỗi khi truy cập|Error fetching) (\S+): .*", r"\1 \2", line)
        if lang == "en" and SOURCE_LINES.search(line):
            continue
        kept.append(line)
    return "\n".join(kept)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_exercise_programs_print_one_language(lab_cfg, lang):
    """The solutions' main(), run as `make run` runs an exercise, against the session's lab."""
    for ex in all_exercises():
        env = {**learner_env(lang), **lab_cfg.to_env(), "PYTHONUNBUFFERED": "1"}
        proc = subprocess.run([sys.executable, "-m", f"solutions.{ex.stem}"], cwd=REPO_ROOT,
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 0, f"{ex.stem}:\n{proc.stdout}\n{proc.stderr}"
        said = {"vi": "thời gian: ", "en": "time: "}[lang]
        if ex.code not in ("09", "11"):
            assert said in proc.stdout.lower(), f"{ex.stem}:\n{proc.stdout}"
        speaks(lang, program_prose(proc.stdout, lang))
        assert "/ time" not in proc.stdout and "/ at once" not in proc.stdout


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failed_lab_up_speaks_one_language(tmp_path, lang):
    cfg = free_lab_config(str(tmp_path / "state"))
    env = {**learner_env(lang), **cfg.to_env()}
    import socket

    with socket.socket() as holder:
        holder.bind((cfg.host, cfg.dns_control_port))
        holder.listen()
        taken = run_lab("up", env=env, timeout=120)
    assert taken.returncode == 1 and "LAB_DNS_CONTROL_PORT" in taken.stderr, taken.stderr
    speaks(lang, taken.stderr)
    docker = {**env, "LAB_BACKEND": "docker", "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    no_engine = run_lab("up", env=docker, timeout=120)
    assert no_engine.returncode == 1 and "LAB_BACKEND=local make lab-up" in no_engine.stderr
    speaks(lang, no_engine.stderr)
