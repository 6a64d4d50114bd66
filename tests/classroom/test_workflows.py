"""The shipped CI files do what docs/classroom.md says: their own ``run:`` steps (and the
Classroom template's grading commands) run here, locally, on a small roster."""

from __future__ import annotations

import csv
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from lab.config import REPO_ROOT
from lab.net import free_port, free_tcp_udp_port
from tests.classroom import helpers
from tests.cli_process import without_lab_variables

DOCS = REPO_ROOT / "docs" / "classroom"


def workflow(name: str) -> dict:
    return yaml.safe_load((DOCS / name).read_text())


def expand(text: str, values: dict[str, str]) -> str:
    """GitHub's ``${{ expr }}`` for the few expressions the run: steps use."""

    def one(m: re.Match) -> str:
        expr = m.group(1).strip()
        if expr not in values:
            raise AssertionError(f"expression {expr!r} has no value in this test")
        return values[expr]

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def run_step(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def sudo_shim(folder: Path) -> Path:
    """CI runners have sudo; as root here, a stand-in that drops sudo's options."""
    folder.mkdir()
    shim = folder / "sudo"
    shim.write_text('#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.slow
@pytest.mark.skipif(helpers.skip_reason() is not None, reason=str(helpers.skip_reason()))
def test_the_sharded_workflow_grades_and_merges(tmp_path):
    wf = workflow("grade-class.yml")
    helpers.copy_folder(helpers.SOLUTIONS, tmp_path / "alice")
    helpers.copy_folder(helpers.FIXTURES / "missing_join", tmp_path / "bob")
    (tmp_path / "roster.csv").write_text("learner,source\nalice,alice\nbob,bob\n")
    env = {**without_lab_variables(), "LAB_LANG": "en", "ROSTER": str(tmp_path / "roster.csv"),
           "CLASS_DIR": str(tmp_path / "results")}  # fmt: skip
    env["PATH"] = f"{sudo_shim(tmp_path / 'bin')}:{env['PATH']}"
    shards = wf["jobs"]["grade"]["strategy"]["matrix"]["shard"]
    for shard in shards:
        values = {"matrix.shard": str(shard), "strategy.job-total": str(len(shards))}
        for step in wf["jobs"]["grade"]["steps"]:
            if "run" in step:
                proc = run_step(expand(step["run"], values), env, REPO_ROOT)
                assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
    for step in wf["jobs"]["merge"]["steps"]:  # artifacts: the same folders, here
        if "run" in step:
            proc = run_step(expand(step["run"], {}), env, REPO_ROOT)
            assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
    summary = tmp_path / "results" / "class"
    rows = list(csv.reader((summary / "class.csv").read_text().splitlines()))
    assert rows[0] == ["learner", *(f"ex{n:02d}" for n in range(1, 12)), "total"]
    assert rows[1] == ["alice", *["1"] * 11, "11"]
    assert rows[2][0] == "bob" and rows[2][4] == "0"  # ex04: returned before joining
    assert (summary / "learners" / "bob" / "index.html").is_file()


def test_the_classroom_template_has_one_test_per_exercise_with_points():
    wf = workflow("classroom.yml")
    steps = wf["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
    assert [s["id"] for s in graders] == [f"ex{n:02d}" for n in range(1, 12)]
    assert all(s["with"]["max-score"] == 1 for s in graders)
    reporter = next(s for s in steps if "grading-reporter" in s.get("uses", ""))
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    assert set(reporter["env"]) == {f"{s['id'].upper()}_RESULTS" for s in graders}
    assert wf["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}


@pytest.mark.slow
def test_the_classroom_templates_commands_grade_a_learners_copy(tmp_path):
    """The template's run: steps and each test's command, in a learner's copy of the lab
    (exercises 01 and 04 solved, the others as handed out), with the embedded lab."""
    wf = workflow("classroom.yml")
    copy = tmp_path / "learner-repo"
    copy.mkdir()
    for name in ("lab", "services", "exercises"):
        shutil.copytree(REPO_ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO_ROOT / name, copy / name)
    (copy / ".venv").symlink_to(REPO_ROOT / ".venv")
    for code in ("01", "04"):
        for f in helpers.SOLUTIONS.glob(f"ex{code}_*.py"):
            shutil.copyfile(f, copy / "exercises" / f.name)
    ports = {"LAB_TOXIPROXY_PORT": free_port(), "LAB_HTTPBIN_PORT": free_port(),
             "LAB_HTTPBIN_UPSTREAM_PORT": free_port(), "LAB_HTTPBIN_PROXIED_PORT": free_port(),
             "LAB_DNS_PORT": free_tcp_udp_port(), "LAB_DNS_CONTROL_PORT": free_port()}  # fmt: skip
    env = {**without_lab_variables(), **wf.get("env", {}), "LAB_LANG": "en",
           "LAB_STATE_DIR": str(tmp_path / "state"), **{k: str(v) for k, v in ports.items()}}  # fmt: skip
    passed = {}
    for step in wf["jobs"]["run-autograding-tests"]["steps"]:
        if "run" in step and "make venv" not in step["run"]:
            proc = run_step(expand(step["run"], {}), env, copy)
            assert proc.returncode == 0, (step["name"], proc.stdout, proc.stderr)
        elif "autograding-command-grader" in step.get("uses", ""):
            script = "\n".join(
                filter(None, (step["with"]["setup-command"], step["with"]["command"]))
            )
            proc = run_step(script, env, copy)
            passed[step["id"]] = proc.returncode == 0
            assert "Traceback" not in proc.stderr, proc.stderr
    assert passed == {f"ex{n:02d}": n in (1, 4) for n in range(1, 12)}
    assert (copy / "reports" / "autograding" / "grade.json").is_file()
    assert os.readlink(copy / ".venv") == str(REPO_ROOT / ".venv")
