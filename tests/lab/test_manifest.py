"""lab/exercises.toml is the one place that says what each exercise is: everything agrees.

The role of rustlings' `dev check`: a test fails when the manifest, exercises/, solutions/,
lab/checks/ or the README's table disagree.
"""

from __future__ import annotations

import ast
import re

import pytest

from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.exercises import CHECKS_DIR, EXERCISES_DIR, SOLUTIONS_DIR, all_exercises, find

EXERCISES = all_exercises()
STEM = re.compile(r"^ex\d\d_\w+$")


def stems_in(folder):
    return {p.stem for p in folder.glob("ex*.py") if STEM.match(p.stem)}


def test_numbers_run_from_one_without_gaps():
    assert [ex.number for ex in EXERCISES] == list(range(1, len(EXERCISES) + 1))


@pytest.mark.parametrize("folder", [EXERCISES_DIR, SOLUTIONS_DIR, CHECKS_DIR], ids=str)
def test_every_folder_has_exactly_the_manifests_exercises(folder):
    assert stems_in(folder) == {ex.stem for ex in EXERCISES}


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.stem)
def test_each_exercise_is_complete(ex):
    assert ex.title.en and ex.title.vi and ex.summary.en and ex.summary.vi
    assert ex.hints, "every exercise has hints"
    assert all(h.en and h.vi for h in ex.hints), "every hint has both languages"
    assert 5 <= ex.time_limit <= 60


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.stem)
def test_checks_keep_only_setup_run_verify(ex):
    """What an exercise *is* lives in the manifest: no title, hints or limits in its check."""
    tree = ast.parse(ex.file_in(CHECKS_DIR).read_text())
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"setup", "run", "verify"} <= functions
    names = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name)}  # fmt: skip
    assert not names & {"TITLE", "HINTS", "TIME_LIMIT", "NEEDS_LAB"}


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.stem)
def test_exercise_and_solution_define_the_same_public_functions(ex):
    def public(folder):
        tree = ast.parse(ex.file_in(folder).read_text())
        return {
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.ClassDef) and not n.name.startswith("_")
        }

    assert public(EXERCISES_DIR) == public(SOLUTIONS_DIR)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.stem)
def test_exercise_names_its_source_example(ex):
    text = ex.file_in(EXERCISES_DIR).read_text()
    if ex.source != "none":
        assert f"example {ex.source}" in text, f"{ex.stem} should say it grows from {ex.source}"


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.stem)
def test_kind_says_whether_the_solution_uses_gevent(ex):
    tree = ast.parse(ex.file_in(SOLUTIONS_DIR).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}  # fmt: skip
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}  # fmt: skip
    assert ex.kind == ("gevent" if "gevent" in imported else "greenlet")
    assert ex.is_greenlet == (ex.kind == "greenlet")


def test_readme_table_matches_the_manifest():
    readme = (REPO_ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| `(ex\d\d_\w+)` \| [-\w]+ \| (.+?) \|$", readme, re.M)
    assert [(n, stem) for n, stem, _ in rows] == [(ex.code, ex.stem) for ex in EXERCISES]
    for (_, _, summary), ex in zip(rows, EXERCISES):
        assert summary.strip() == ex.summary.en.replace("|", "\\|")


def test_readme_vi_table_matches_the_manifest():
    readme = (REPO_ROOT / "README.vi.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| `(ex\d\d_\w+)` \| [-\w]+ \| (.+?) \|$", readme, re.M)
    assert [(n, stem) for n, stem, _ in rows] == [(ex.code, ex.stem) for ex in EXERCISES]
    for (_, _, summary), ex in zip(rows, EXERCISES):
        assert summary.strip() == ex.summary.vi.replace("|", "\\|")


def first_code_block(text: str) -> str:
    return re.search(r"^```sh\n(.*?)^```", text, re.M | re.S).group(1)


@pytest.mark.parametrize("name", ["README.md", "README.vi.md"])
def test_readmes_link_each_other_and_open_with_the_learners_path(name):
    """The first line links the other language; the first commands are a learner's (set-up,
    lab-up, the first check), the project's tests come later, for contributors."""
    text = (REPO_ROOT / name).read_text()
    other = "README.vi.md" if name == "README.md" else "README.md"
    assert f"]({other})" in text.splitlines()[0]
    commands = [ln.split("#")[0].strip() for ln in first_code_block(text).splitlines()]
    assert commands == ["make venv", "make lab-up", "make check EX=01"]
    assert re.search(r"^```sh\n(?:.*\n)*?make test +#", text, re.M), "make test runs the tests"


@pytest.mark.parametrize("text", ["6", "06", "ex06", "ex06_parallel_http", "parallel_http", 6])
def test_find_accepts_every_way_of_naming_an_exercise(text):
    assert find(text).stem == "ex06_parallel_http"


@pytest.mark.parametrize("text", ["", None, "99", "ex6x", "nonsense", "0"])
def test_find_refuses_the_rest_and_lists_the_choices(text):
    with pytest.raises(LabError) as err:
        find(text)
    assert "01, 02" in str(err.value)
