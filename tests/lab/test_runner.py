"""`gevent-lab run`'s runner: a real child process whose greenlets all fail the same way
prints one traceback per distinct error, and a count of the rest."""

from __future__ import annotations

import os

from lab.config import REPO_ROOT
from lab.runner import run_module


def test_the_same_error_in_every_greenlet_shows_one_traceback(capfd, monkeypatch):
    monkeypatch.setenv("LAB_LANG", "en")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    code = run_module("tests.lab.programs.many_failures", REPO_ROOT, env)
    out, err = capfd.readouterr()
    assert code == 1
    assert "after the greenlets" in out
    assert err.count("Traceback (most recent call last):") == 2, err  # OSError, KeyError
    assert err.count("OSError: cannot read from timed out object") == 1, err
    assert err.count("failed with OSError") == 1 and "failed with KeyError" in err
    assert "(the same OSError at many_failures.py:9, work() 11 more time(s)" in err, err
    assert "KeyError at" not in err  # met once: nothing left out
    assert "\n\n\n" not in err  # gevent's blank line after each left-out footer goes too


def test_the_count_is_in_the_learners_language(capfd, monkeypatch):
    monkeypatch.setenv("LAB_LANG", "vi")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    run_module("tests.lab.programs.many_failures", REPO_ROOT, env)
    err = capfd.readouterr().err
    assert "(cùng lỗi OSError tại many_failures.py:9, work() còn 11 lần nữa" in err, err


def test_a_program_without_errors_passes_through_unchanged(capfd, tmp_path):
    (tmp_path / "quiet.py").write_text(
        "import sys\nprint('out')\nsys.stderr.write('a warning\\n\\nTraceback-looking? no\\n')\n"
    )
    assert run_module("quiet", tmp_path, dict(os.environ)) == 0
    out, err = capfd.readouterr()
    assert out == "out\n" and err == "a warning\n\nTraceback-looking? no\n"
