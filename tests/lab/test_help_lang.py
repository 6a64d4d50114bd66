"""`make help` and every `--help` in the learner's language, argparse's own words included
(usage:, options:, its error texts): real `make` and `python -m lab` processes."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from lab import argparse_lang, makehelp
from lab.config import REPO_ROOT
from tests.cli_process import learner_shell, run_lab

SUBCOMMANDS = ("up", "down", "status", "latency", "run", "check", "hint", "watch", "reset",
               "trace", "ui")  # fmt: skip


def env(lang: str) -> dict[str, str]:
    """No LAB_*, CI or STRICT of this session's: only the language."""
    base = learner_shell()
    return {**base, "LAB_LANG": lang, "LANG": "C.UTF-8"}


def make(*args: str, lang: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args, *(f"{k}={v}" for k, v in variables.items())],
        cwd=REPO_ROOT, env=env(lang), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def makefile_targets() -> set[str]:
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):(?!=)", text, re.M))


def test_the_one_table_of_targets_is_the_makefiles():
    assert set(makehelp.TARGETS) == makefile_targets()
    assert len(makehelp.TARGETS) == len(set(makehelp.TARGETS))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_make_help_lists_every_target_in_the_learners_language(lang):
    out = make("help", lang=lang)
    assert out.returncode == 0, out.stderr
    for target in (*makehelp.LEARNER, *makehelp.CONTRIBUTOR):
        assert f"  make {target} " in out.stdout, target
    assert "STRICT=1" in out.stdout and "CI=true" in out.stdout
    said = {"vi": "Cách dùng: make", "en": "Usage: make"}[lang]
    assert out.stdout.startswith(said), out.stdout


def test_make_help_needs_no_venv_and_nothing_but_the_standard_library():
    """A fresh clone: no .venv, and a Python without site-packages (-S) still prints it."""
    out = make("help", lang="vi", PY="/nonexistent/python", PYTHON=f"{sys.executable} -S")
    assert out.returncode == 0, out.stderr
    assert "make check" in out.stdout and "chấm bài của bạn" in out.stdout


def argparse_msgids() -> set[str]:
    """Every text the running Python's argparse passes to gettext."""
    found = extract_from_file("python", argparse.__file__, keywords={"_": None, "ngettext": (1, 2)})
    return {m[1] if isinstance(m[1], str) else m[1][0] for m in found}


def test_argparse_has_a_vietnamese_text_for_each_of_its_words():
    with argparse_lang.po_file("vi").open("rb") as f:
        catalog = read_po(f, locale="vi")
    for msgid in argparse_msgids():
        message = catalog.get(msgid)
        assert message is not None and message.string, f"no Vietnamese for {msgid!r}"
        text = message.string if isinstance(message.string, str) else message.string[0]
        placeholders = re.compile(r"%\(\w+\)[sr]|%[sr]")
        assert sorted(placeholders.findall(text)) == sorted(placeholders.findall(msgid)), msgid


def help_of(command: str | None, lang: str) -> subprocess.CompletedProcess:
    args = [command, "--help"] if command else ["--help"]
    return run_lab(*args, env=env(lang), timeout=60)


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_every_help_is_in_vietnamese_argparse_words_too(command):
    out = help_of(command, "vi")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("cách dùng: gevent-lab"), out.stdout
    assert "tuỳ chọn:" in out.stdout and "hiện trợ giúp này rồi thoát" in out.stdout
    for english in ("usage:", "options:", "positional arguments", "show this help"):
        assert english not in out.stdout, english


@pytest.mark.parametrize("command", [None, "check"])
def test_english_help_keeps_argparses_words(command):
    out = help_of(command, "en")
    assert out.stdout.startswith("usage: gevent-lab") and "options:" in out.stdout


def test_argparse_errors_are_in_vietnamese():
    out = run_lab("chek", env=env("vi"), timeout=60)
    assert out.returncode == 2
    assert "gevent-lab: lỗi: đối số COMMAND: lựa chọn không hợp lệ: 'chek'" in out.stderr
    out = run_lab("latency", "--jitter", env=env("vi"), timeout=60)
    assert "đối số --jitter: cần đúng một đối số" in out.stderr, out.stderr


def test_the_catalogue_is_installed_with_the_package():
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert '"locales/*/LC_MESSAGES/*.po"' in pyproject
    assert Path(argparse_lang.po_file("vi")).is_file()
