"""The one message catalogue (lab/i18n.py): both languages, the same placeholders, and the
language chosen from LAB_LANG, else .env, else the locale."""

from __future__ import annotations

import string

import pytest

from lab import i18n

MESSAGES = sorted(i18n.MESSAGES)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("id", MESSAGES)
def test_every_message_has_both_languages_with_the_same_placeholders(id):
    entry = i18n.MESSAGES[id]
    assert set(entry) == set(i18n.LANGS), f"{id}: {set(entry)}"
    assert entry["en"].strip() and entry["vi"].strip()
    assert fields(entry["en"]) == fields(entry["vi"]), id


def test_units_have_a_vietnamese_word():
    assert all(word and vi for word, vi in i18n.UNITS.items())


@pytest.mark.parametrize(
    ("env", "want"),
    [
        ({"LAB_LANG": "vi"}, "vi"),
        ({"LAB_LANG": "vi_VN"}, "vi"),
        ({"LAB_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_lab_lang_else_the_locale(monkeypatch, tmp_path, env, want):
    monkeypatch.setattr(i18n, "_DOTENV", tmp_path / ".env")  # no .env
    for var in ("LAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.lang() == want


def test_dotenv_sets_the_language_when_the_environment_does_not(monkeypatch, tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# local\nLAB_HTTPBIN_PORT=9080\nexport LAB_LANG='vi'\n")
    monkeypatch.setattr(i18n, "_DOTENV", dotenv)
    for var in ("LAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert i18n.lang() == "vi"
    monkeypatch.setenv("LAB_LANG", "en")
    assert i18n.lang() == "en"


def test_t_formats_in_the_chosen_language(monkeypatch):
    monkeypatch.setenv("LAB_LANG", "vi")
    assert i18n.t("summary.done", done=3, total=11) == "Đã xong 3/11 bài."
    monkeypatch.setenv("LAB_LANG", "en")
    assert i18n.t("summary.done", done=3, total=11) == "3/11 done."
