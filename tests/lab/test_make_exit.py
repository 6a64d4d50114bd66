"""make without crash noise: a learner's command that fails ends with its own words and exit
status 0 under make (no "make: *** [...] Error 1"); STRICT=1 or CI=true keep the failure;
the project's own targets always keep it. Real `make` processes, run in a temporary folder
(-f the repository's Makefile) so that reports and state stay there."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from lab.config import REPO_ROOT
from lab.exercises import EXERCISES_DIR, find
from tests.cli_process import learner_shell

MAKE_ERROR = "make: ***"


def make(tmp_path, *args: str, lang: str = "en", **variables: str) -> subprocess.CompletedProcess:
    env = learner_shell()
    env.update(LAB_LANG=lang, LAB_STATE_DIR=str(tmp_path / "state"))
    env.update({k: v for k, v in variables.items() if k == "CI"})
    stamp = REPO_ROOT / ".venv/.installed"  # the venv is there: -o, never remade
    paths = [f"PY={REPO_ROOT / '.venv/bin/python'}", f"STAMP={stamp}", "-o", str(stamp)]
    given = [f"{k}={v}" for k, v in variables.items() if k != "CI"]
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(REPO_ROOT / "Makefile"), *paths, *args, *given],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


@pytest.fixture
def stub(tmp_path):
    """A learner's folder with exercise 01 untouched."""
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(find("01").file_in(EXERCISES_DIR), folder)
    return folder


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_failed_check_ends_with_the_graders_summary_and_status_0(tmp_path, stub, lang):
    out = make(tmp_path, "check", lang=lang, EX="01", TARGET=str(stub))
    assert out.returncode == 0, out.stdout + out.stderr
    assert MAKE_ERROR not in out.stderr and MAKE_ERROR not in out.stdout
    last = out.stdout.strip().splitlines()[-1]
    said = {"en": "Next: finish ", "vi": "Tiếp theo: làm nốt "}[lang]
    assert last.startswith(said) and "make hint EX=01" in last, out.stdout


@pytest.mark.parametrize("strict", [{"STRICT": "1"}, {"CI": "true"}, {"STRICT": "yes"}])
def test_strict_or_ci_keeps_the_non_zero_status(tmp_path, stub, strict):
    out = make(tmp_path, "check", EX="01", TARGET=str(stub), **strict)
    assert out.returncode != 0 and MAKE_ERROR in out.stderr, out.stdout + out.stderr


def test_strict_0_wins_over_ci(tmp_path, stub):
    out = make(tmp_path, "check", EX="01", TARGET=str(stub), CI="true", STRICT="0")
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_learners_error_is_said_once_without_make_noise(tmp_path):
    out = make(tmp_path, "hint", lang="vi", EX="99")
    assert out.returncode == 0
    assert "Không có bài nào tên '99'" in out.stderr and MAKE_ERROR not in out.stderr
    assert make(tmp_path, "hint", EX="99", STRICT="1").returncode != 0


def test_the_projects_own_targets_always_fail_for_real(tmp_path):
    """`.ci/run` runs make lint, make test, ...: a failure there must fail CI."""
    out = make(tmp_path, "test", PY="false")
    assert out.returncode != 0 and MAKE_ERROR in out.stderr
