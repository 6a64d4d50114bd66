"""The one message catalogue (lab/locales/<lang>.json, read by lab/i18n.py): both languages,
the same placeholders, and the language chosen from LAB_LANG, else .env, else the locale."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys

import pytest

from lab import i18n

IDS = sorted(i18n.catalogue("en"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_languages_have_the_same_ids():
    en, vi = set(i18n.catalogue("en")), set(i18n.catalogue("vi"))
    assert not en - vi, f"only in en.json: {sorted(en - vi)}"
    assert not vi - en, f"only in vi.json: {sorted(vi - en)}"


@pytest.mark.parametrize("id", IDS)
def test_every_message_has_both_languages_with_the_same_placeholders(id):
    en, vi = i18n.catalogue("en")[id], i18n.catalogue("vi")[id]
    assert isinstance(en, str) and isinstance(vi, str)
    assert en.strip() and vi.strip()
    if id.startswith("exercise."):  # an exercise's own words, read as they are (no t())
        return
    assert fields(en) == fields(vi), id


def test_the_data_files_are_plain_json_objects_of_strings():
    for lang in i18n.LANGS:
        data = json.loads((i18n.LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())


def test_units_have_a_vietnamese_word(monkeypatch):
    words = [id.removeprefix("unit.") for id in IDS if id.startswith("unit.")]
    assert "requests" in words
    monkeypatch.setenv("LAB_LANG", "vi")
    assert i18n.unit("requests") == "yêu cầu"
    assert all(i18n.unit(word) != word for word in words), "a unit left in English"
    assert i18n.unit("not a unit") == "not a unit"
    monkeypatch.setenv("LAB_LANG", "en")
    assert [i18n.unit(word) for word in words] == words


def test_numbers_are_written_the_languages_way(monkeypatch):
    monkeypatch.setenv("LAB_LANG", "vi")
    assert i18n.t("report.seconds", seconds=0.61) == "(0,6 giây)"
    assert (
        i18n.t("speed.evidence_time", elapsed=0.823, floor=0.8) == "0,82 giây (tối thiểu 0,80 giây)"
    )
    monkeypatch.setenv("LAB_LANG", "en")
    assert i18n.t("report.seconds", seconds=0.61) == "(0.6 s)"


@pytest.mark.parametrize(
    ("value", "spec", "en", "vi"),
    [
        (0.3, "", "0.3", "0,3"),
        (0.615, ".2f", "0.61", "0,61"),  # Python rounds, in both languages alike
        (2.5, "g", "2.5", "2,5"),
        (30.0, "g", "30", "30"),
        (-1.5, ">8.2f", "   -1.50", "   -1,50"),
        (8080, "", "8080", "8080"),  # ports and counts: no grouping
        (7, "2", " 7", " 7"),
        (1e-09, "g", "1e-09", "1e-09"),
    ],
)
def test_a_number_keeps_its_format_spec(value, spec, en, vi):
    assert format(i18n.number(value, "en"), spec) == en
    assert format(i18n.number(value, "vi"), spec) == vi


def test_a_quoted_number_is_written_as_in_code():
    assert "{raw!r}".format(raw=i18n.number(0.5, "vi")) == "0.5"
    assert i18n.number(True, "vi") is True and i18n.number("0.5", "vi") == "0.5"


def test_babel_is_imported_only_for_a_language_that_needs_it():
    code = (
        "import os, sys, lab.i18n as i; i.t('report.seconds', seconds=0.5); "
        "a = 'babel' in sys.modules; os.environ['LAB_LANG'] = 'vi'; "
        "i.t('report.seconds', seconds=0.5); print(a, 'babel' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LAB_LANG", "LANG", "LC_ALL")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out.split() == ["False", "True"]


def test_importing_the_catalogue_imports_no_third_party_module():
    """It runs in the learner's process, some of it before monkey patching."""
    code = (
        "import sys; before = set(sys.modules); import lab.i18n; lab.i18n.t('summary.done',"
        " done=1, total=2); print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = {name.split(".")[0] for name in eval(out)}
    stdlib = set(sys.stdlib_module_names) | {"lab"}
    assert loaded <= stdlib, loaded - stdlib
    assert not loaded & {"socket", "ssl", "threading", "logging"}, loaded


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


def test_localized_picks_the_learners_half(monkeypatch):
    from lab.exercises import find

    title = find("06").title
    monkeypatch.setenv("LAB_LANG", "vi")
    assert i18n.localized(title) == title.vi
    monkeypatch.setenv("LAB_LANG", "en")
    assert i18n.localized(title) == title.en
