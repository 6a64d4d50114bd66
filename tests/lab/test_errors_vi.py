"""The lab's errors speak the learner's language: ``python -m lab ...`` as a real subprocess,
with LAB_LANG=vi and LAB_LANG=en, for errors found before any network call (no lab needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli_process import run_lab, without_lab_variables


def lab(tmp_path: Path, lang: str, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """``python -m lab ARGS`` with only ``variables`` among the LAB_* ones (no .env's
    LAB_LANG either: the environment's value wins), and a state dir of its own."""
    env = {**without_lab_variables(), **variables}
    env.update(LAB_LANG=lang, LAB_STATE_DIR=str(tmp_path / "state"))
    return run_lab(*args, env=env, timeout=60)


@pytest.mark.parametrize(
    ("lang", "want"),
    [
        (
            "vi",
            "lỗi: LAB_LATENCY_MS='abc' không phải là một số nguyên (giá trị hợp lệ: 0-60000 ms).\n"
            "  Hãy sửa giá trị này trong biến môi trường hoặc trong tệp .env.\n",
        ),
        (
            "en",
            "error: LAB_LATENCY_MS='abc' is not a whole number (allowed: 0-60000 ms).\n"
            "  Fix it in the environment or in .env.\n",
        ),
    ],
)
def test_a_config_error_is_said_in_the_learners_language(tmp_path, lang, want):
    result = lab(tmp_path, lang, "status", LAB_LATENCY_MS="abc")
    assert result.returncode == 1
    assert result.stderr == want
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("lang", "want"),
    [
        (
            "vi",
            "lỗi: Giá trị độ trễ phải nằm trong khoảng từ 0 đến 60000 ms (nhận được 99999).\n"
            "  Ví dụ: make latency MS=250 (0 là bỏ độ trễ)\n",
        ),
        (
            "en",
            "error: The latency must be between 0 and 60000 ms (got 99999).\n"
            "  For example: make latency MS=250 (0 removes it)\n",
        ),
    ],
)
def test_a_lab_error_is_said_in_the_learners_language(tmp_path, lang, want):
    result = lab(tmp_path, lang, "latency", "99999")
    assert result.returncode == 1
    assert result.stderr == want


def test_a_jitter_that_is_not_a_number_is_named_in_vietnamese(tmp_path):
    result = lab(tmp_path, "vi", "latency", "100", "--jitter", "x")
    assert result.returncode == 1
    assert result.stderr == (
        "lỗi: Giá trị jitter (độ dao động của độ trễ) phải là một số nguyên mili giây, "
        "không phải 'x'.\n  Ví dụ: make latency MS=250\n"
    )
