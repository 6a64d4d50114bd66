"""Rosters for the class command's tests: learners made of copies of solutions/ and of the
grader's wrong fixtures, a zip, a git repository with commits on both sides of a deadline."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import psutil

from lab import sandbox
from lab.config import REPO_ROOT

SOLUTIONS = REPO_ROOT / "solutions"
FIXTURES = REPO_ROOT / "tests" / "grading" / "fixtures"
DEADLINE = "2026-01-02T00:00:00+00:00"


def skip_reason() -> str | None:
    """Why the class command cannot run its sandboxed gradings here (None: it can)."""
    support = sandbox.detect()
    return None if support.bwrap else f"no sandbox for class grading: {support.problem}"


def copy_folder(src: Path, dst: Path, only: tuple[str, ...] = ()) -> Path:
    dst.mkdir(parents=True)
    for f in sorted(src.glob("ex*.py")):
        if not only or f.name[2:4] in only:
            shutil.copyfile(f, dst / f.name)
    return dst


def zip_folder(src: Path, archive: Path, inside: str = "work/exercises") -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(src.glob("ex*.py")):
            z.write(f, f"{inside}/{f.name}")
    return archive


def git_repo(repo: Path, before: Path, after: Path) -> Path:
    """A repository whose commit before DEADLINE has ``before``'s exercise files and whose
    commit after it has ``after``'s."""
    repo.mkdir(parents=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "l", "GIT_AUTHOR_EMAIL": "l@localhost",
           "GIT_COMMITTER_NAME": "l", "GIT_COMMITTER_EMAIL": "l@localhost"}  # fmt: skip

    def git(*args: str, when: str | None = None) -> None:
        e = {**env, **({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})}
        subprocess.run(["git", *args], cwd=repo, env=e, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (repo / "exercises").mkdir()
    for when, src in (("2026-01-01T10:00:00+00:00", before), ("2026-01-03T10:00:00+00:00", after)):
        for f in src.glob("ex*.py"):
            shutil.copyfile(f, repo / "exercises" / f.name)
        git("add", "-A")
        git("commit", "-qm", f"work of {when}", when=when)
    return repo


def class_processes(run_marker: str = "LAB_CLASS_RUN") -> list[psutil.Process]:
    """Processes of any class run (their environment carries LAB_CLASS_RUN)."""
    found = []
    for p in psutil.process_iter():
        try:
            if run_marker in p.environ():
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found
