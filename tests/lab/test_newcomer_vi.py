"""Issue 18's newcomer path, replayed: a Vietnamese-speaking learner (and an English one) from
the front door to a failed lab-up, an exercise program, a failed check under make and the
grader's wording. Real processes (`make`, `python -m lab`, the solutions' programs) against
this session's lab; each point has golden excerpts in both languages (regular expressions:
numbers vary)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from lab import state
from lab.config import REPO_ROOT
from lab.exercises import EXERCISES_DIR, find
from tests.cli_process import learner_shell, run_lab
from tests.conftest import free_lab_config

pytestmark = pytest.mark.slow

GOLDEN: dict[str, dict[str, list[str]]] = {
    "1 the front door": {
        "vi": [r"^Cách dùng: make MỤC_TIÊU", r"^  make venv +tạo \.venv", r"STRICT=1 hoặc CI=true",
               r"^cách dùng: gevent-lab check", r"^tuỳ chọn:", r"hiện trợ giúp này rồi thoát"],
        "en": [r"^Usage: make TARGET", r"^  make venv +create \.venv", r"STRICT=1 or CI=true",
               r"^usage: gevent-lab check", r"^options:", r"show this help message and exit"],
    },
    "2, 4, 5, 8 every diagnosis points at the cause": {
        "vi": [r"CHƯA ĐẠT +06 .*: trả về trước khi join",
               r"kết quả cho \S+ là GreenletExit\(\), không phải dict",
               r"client \d+ gửi .* mà không nhận được câu trả lời nào trong 10 giây: .*flush\(\)",
               r"ĐẠT +05 .*\n +Bài đạt, nhưng monkey\.patch_all\(\) chạy sau khi .*urllib\.request"],
        "en": [r"FAIL +06 .*: returned before joining",
               r"the result for \S+ is GreenletExit\(\), not a dict",
               r"client \d+ sent .* and got no answer within 10 s: .*flush\(\)",
               r"PASS +05 .*\n +It passed, but monkey\.patch_all\(\) ran after .*urllib\.request"],
    },
    "3 the lab says what it tried": {
        "vi": [r"^lỗi: Lab chưa khởi động được: Không có Docker engine nào trả lời", r"^  Backend đã thử: docker \(LAB_BACKEND=docker\)\.$",
               r"LAB_BACKEND=local make lab-up", r"chạy bằng docker, nay không còn chạy\)"],
        "en": [r"^error: The lab did not start: No Docker engine answers", r"^  Backend tried: docker \(LAB_BACKEND=docker\)\.$",
               r"LAB_BACKEND=local make lab-up", r"ran on docker, which is not running now\)"],
    },
    "6 exercise programs print one language": {
        "vi": [r"^12 yêu cầu, tối đa 4 cùng lúc: mất \d+,\d\d giây$"],
        "en": [r"^12 requests, at most 4 at once: \d+\.\d\d s$"],
    },
    "7 make without crash noise": {
        "vi": [r"^Tiếp theo: làm nốt \S+ex01_greenlet_switch\.py, rồi `make check EX=01`\. Bí\? `make hint EX=01`\.\Z"],
        "en": [r"^Next: finish \S+ex01_greenlet_switch\.py, then `make check EX=01`\. Stuck\? `make hint EX=01`\.\Z"],
    },
    "9 wording and numbers": {
        "vi": [r"^ +3\. switch worker_b @ task_b:\d+ -> worker_a: chạy tiếp trong task_a$",
               r"switch worker_b \(đã chạy xong\) -> worker_a: chạy tiếp trong task_a$",
               r"\d+ lượt xử lý, \d+ cùng lúc", r"\d+,\d\d giây \(tối thiểu \d+,\d\d giây\)",
               r"mất \d+,\d\d giây cho \d+ bộ đếm ngược: chạy lần lượt sẽ mất \d+,\d\d giây"],
        "en": [r"^ +3\. switch worker_b @ task_b:\d+ -> worker_a: resumes in task_a$",
               r"switch worker_b \(its function ended\) -> worker_a: resumes in task_a$",
               r"\d+ items being processed, \d+ at once", r"\d+\.\d\d s \(floor \d+\.\d\d s\)",
               r"took \d+\.\d\d s for \d+ units .*here one of the countdowns"],
    },
}  # fmt: skip


def learner_env(lang: str) -> dict[str, str]:
    env = learner_shell()
    return {**env, "LAB_LANG": lang, "LANG": "C.UTF-8"}


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def front_door(lang: str, **_) -> str:
    made = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO_ROOT,
                          env=learner_env(lang), capture_output=True, text=True, timeout=60)  # fmt: skip
    return made.stdout + run_lab("check", "--help", env=learner_env(lang)).stdout


def lab_tried(lang: str, tmp_path, **_) -> str:
    cfg = free_lab_config(str(tmp_path / f"state-{lang}"))
    no_engine = f"unix://{tmp_path}/no-engine.sock"
    env = {**learner_env(lang), **cfg.to_env(), "DOCKER_HOST": no_engine}
    failed = run_lab("up", env={**env, "LAB_BACKEND": "docker"})
    state.save(cfg.with_(backend="docker"), "docker")  # a Docker lab ran here before
    try:
        switched = run_lab("up", env={**env, "LAB_BACKEND": "auto"})
        assert switched.returncode == 0, output(switched)
    finally:
        run_lab("down", env=env)
    return failed.stderr + " ".join(switched.stdout.split())  # rich wraps the reason


def program(lang: str, lab_cfg, **_) -> str:
    env = {**learner_env(lang), **lab_cfg.to_env()}
    ran = subprocess.run([sys.executable, "-m", "solutions.ex09_pool"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    return output(ran)


def make_check(lang: str, tmp_path, **_) -> str:
    mine = tmp_path / f"mine-{lang}"
    mine.mkdir()
    shutil.copy(find("01").file_in(EXERCISES_DIR), mine)
    stamp = REPO_ROOT / ".venv/.installed"
    made = subprocess.run(
        ["make", "--no-print-directory", "-f", str(REPO_ROOT / "Makefile"), "-o", str(stamp),
         f"PY={REPO_ROOT / '.venv/bin/python'}", f"STAMP={stamp}", "check", "EX=01",
         f"TARGET={mine}"],
        cwd=tmp_path, env={**learner_env(lang), "LAB_STATE_DIR": str(tmp_path / "st")},
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert made.returncode == 0 and "make: ***" not in output(made), output(made)
    return made.stdout.strip().splitlines()[-1]  # the last line is the grader's


def wording(lang: str, lab_cfg, tmp_path, **_) -> str:
    env = {**learner_env(lang), **lab_cfg.to_env()}
    reports = ["--report-dir", str(tmp_path / f"reports-{lang}")]
    traced = run_lab("trace", "01", "--target", "solutions", env=env, timeout=240)
    passed = run_lab("check", "08", "--target", "solutions", *reports, env=env, timeout=240)
    slow = run_lab("check", "04", "--target", "tests.grading.fixtures.sequential", *reports,
                   env=env, timeout=240)  # fmt: skip
    return output(traced) + output(passed) + output(slow)


def diagnoses(lang: str, lab_cfg, tmp_path, **_) -> str:
    """Honest mistakes of points 2, 4, 5 and 8 (tests/grading/fixtures/newcomer)."""
    env = {**learner_env(lang), **lab_cfg.to_env()}
    graded = run_lab("check", "--target", "tests.grading.fixtures.newcomer", "--report-dir",
                     str(tmp_path / f"reports-{lang}"), env=env, timeout=300)  # fmt: skip
    return output(graded)


REPLAY = {
    "1 the front door": front_door,
    "2, 4, 5, 8 every diagnosis points at the cause": diagnoses,
    "3 the lab says what it tried": lab_tried,
    "6 exercise programs print one language": program,
    "7 make without crash noise": make_check,
    "9 wording and numbers": wording,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("point", list(REPLAY))
def test_the_newcomer_path(point, lang, lab_cfg, tmp_path):
    said = REPLAY[point](lang, lab_cfg=lab_cfg, tmp_path=tmp_path)
    missing = [g for g in GOLDEN[point][lang] if not re.search(g, said, re.M)]
    assert not missing, f"{point} ({lang}): missing {missing} in:\n{said}"
