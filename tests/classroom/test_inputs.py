"""The class command's inputs: roster lines, sources (folder, git with a deadline, zip),
shards and points. No grading here (tests/classroom/test_class.py grades)."""

from __future__ import annotations

import os
import random
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lab.classroom import points, roster, shard, sources
from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.exercises import all_exercises, find

SOLUTIONS = REPO_ROOT / "solutions"


def test_roster_lines_and_their_errors(tmp_path):
    text = (
        "learner,source,ref\n"
        "# a comment\n"
        "alice,alice\n"
        "\n"
        "bob,https://example.invalid/bob.git,main\n"
        "bad name,x\n"
        "carol\n"
        "alice,again\n"
        "dave,\n"
        "erin,a,b,c\n"
    )
    entries, errors = roster.parse(text, tmp_path)
    assert [(e.learner, e.source, e.ref, e.line) for e in entries] == [
        ("alice", "alice", None, 3),
        ("bob", "https://example.invalid/bob.git", "main", 5),
    ]
    by_line = {e.line: e.message for e in errors}
    assert sorted(by_line) == [6, 7, 8, 9, 10]
    assert "'bad name' is not a usable learner name" in by_line[6]
    assert "found 1 column" in by_line[7]
    assert "alice is already on line 3" in by_line[8]
    assert "dave has no source" in by_line[9]
    assert "found 4 column" in by_line[10]
    assert str(errors[0]).startswith("roster line 6: ")
    # A line with a valid name keeps it, so its shard reports it.
    assert [e.learner for e in errors] == [None, "carol", None, "dave", "erin"]


def test_a_roster_that_cannot_be_read(tmp_path):
    with pytest.raises(LabError, match="cannot read the roster"):
        roster.read(tmp_path / "absent.csv")


def entry(source: str, folder: Path, ref: str | None = None) -> roster.Entry:
    return roster.Entry("alice", source, ref, 1, folder)


def test_a_folder_source_and_its_exercise_folder(tmp_path):
    (tmp_path / "work" / "exercises").mkdir(parents=True)
    for name in ("ex04_gevent_countdown.py", "ex06_parallel_http.py"):
        (tmp_path / "work" / "exercises" / name).write_text((SOLUTIONS / name).read_text())
    fetched = sources.fetch(entry("work", tmp_path), tmp_path / "x")
    assert fetched.kind == "folder"
    folder = sources.exercise_folder(fetched.folder)
    assert folder == tmp_path / "work" / "exercises"
    into = tmp_path / "copy"
    chosen = [find("04"), find("06"), find("08")]
    assert sources.copy_exercises(folder, into, chosen) == [
        "ex04_gevent_countdown",
        "ex06_parallel_http",
    ]
    copied = into / "ex04_gevent_countdown.py"
    assert copied.stat().st_mode & 0o777 == 0o444
    assert copied.read_text() == (SOLUTIONS / "ex04_gevent_countdown.py").read_text()


def test_symlinks_and_missing_sources_are_refused(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    secret = tmp_path / "teacher-secret"
    secret.write_text("do not show")
    (folder / "ex04_gevent_countdown.py").symlink_to(secret)
    with pytest.raises(sources.SourceError, match="not a regular file"):
        sources.copy_exercises(folder, tmp_path / "copy", [find("04")])
    with pytest.raises(sources.SourceError, match="neither a git URL nor an existing"):
        sources.fetch(entry("nowhere", tmp_path), tmp_path / "x")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(sources.SourceError, match="no exercise files"):
        sources.exercise_folder(empty)


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "l", "GIT_AUTHOR_EMAIL": "l@localhost",
           "GIT_COMMITTER_NAME": "l", "GIT_COMMITTER_EMAIL": "l@localhost"}  # fmt: skip
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    out = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return out.stdout.decode().strip()


def repo_with_a_deadline(repo: Path) -> tuple[str, str]:
    """A repository with one commit before 2026-01-02 and one after; their ids."""
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "ex04_gevent_countdown.py").write_text("# before\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "before", when="2026-01-01T10:00:00+00:00")
    before = git(repo, "rev-parse", "HEAD")
    (repo / "ex04_gevent_countdown.py").write_text("# after\n")
    git(repo, "commit", "-qam", "after", when="2026-01-03T10:00:00+00:00")
    return before, git(repo, "rev-parse", "HEAD")


def test_git_sources_with_a_deadline_and_a_ref(tmp_path):
    before, after = repo_with_a_deadline(tmp_path / "repo")
    deadline = datetime(2026, 1, 2, tzinfo=UTC)
    got = sources.fetch(entry("repo", tmp_path), tmp_path / "a", deadline)
    assert (got.kind, got.commit) == ("git", before)
    assert (got.folder / "ex04_gevent_countdown.py").read_text() == "# before\n"
    latest = sources.fetch(entry(f"file://{tmp_path / 'repo'}", tmp_path), tmp_path / "b")
    assert latest.commit == after
    assert (latest.folder / "ex04_gevent_countdown.py").read_text() == "# after\n"
    pinned = sources.fetch(entry("repo", tmp_path, ref=before[:10]), tmp_path / "c")
    assert pinned.commit == before
    branch = sources.fetch(entry("repo", tmp_path, ref="main"), tmp_path / "d")
    assert branch.commit == after
    with pytest.raises(sources.SourceError, match="no commit before the deadline"):
        early = datetime(2025, 1, 1, tzinfo=UTC)
        sources.fetch(entry("repo", tmp_path), tmp_path / "e", early)
    with pytest.raises(sources.SourceError, match="no branch or commit 'nope'"):
        sources.fetch(entry("repo", tmp_path, ref="nope"), tmp_path / "f")
    with pytest.raises(sources.SourceError, match="git failed"):
        sources.fetch(entry("file:///nonexistent/repo.git", tmp_path), tmp_path / "g")


def make_zip(path: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            z.writestr(info, "/etc/passwd")
    return path


def test_zip_sources_are_extracted_safely(tmp_path):
    code = (SOLUTIONS / "ex04_gevent_countdown.py").read_bytes()
    make_zip(tmp_path / "good.zip", {"alice-main/exercises/ex04_gevent_countdown.py": code})
    got = sources.fetch(entry("good.zip", tmp_path), tmp_path / "x")
    assert sources.exercise_folder(got.folder) == tmp_path / "x" / "alice-main" / "exercises"

    for name, members, link, message in [
        ("up.zip", {"../escape.py": b"x"}, None, "outside its folder: '../escape.py'"),
        ("abs.zip", {"/etc/evil.py": b"x"}, None, "outside its folder: '/etc/evil.py'"),
        ("link.zip", {}, "ex04_gevent_countdown.py", "symbolic link"),
        ("bad.zip", None, None, "cannot read the archive"),
    ]:
        path = tmp_path / name
        if members is None:
            path.write_bytes(b"not a zip at all")
        else:
            make_zip(path, members, link)
        into = tmp_path / f"out-{name}"
        into.mkdir()
        with pytest.raises(sources.SourceError, match=message):
            sources.fetch(entry(name, tmp_path), into)
        assert list(into.iterdir()) == []  # refused before anything was written
    assert not (tmp_path / "escape.py").exists()


def test_zip_size_and_count_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_BYTES", 1000)
    big = make_zip(tmp_path / "big.zip", {"ex04_gevent_countdown.py": b"#" * 5000})
    with pytest.raises(sources.SourceError, match="unpacks to more than"):
        sources.extract_zip(big, tmp_path / "o1")
    monkeypatch.setattr(sources, "MAX_ZIP_FILES", 3)
    many = make_zip(tmp_path / "many.zip", {f"f{i}.py": b"" for i in range(5)})
    with pytest.raises(sources.SourceError, match="has 5 members, more than 3"):
        sources.extract_zip(many, tmp_path / "o2")


def test_shards_partition_the_roster_whatever_its_order():
    names = [f"learner{i:02d}" for i in range(40)]
    for total in (1, 2, 3, 5):
        slices = [[n for n in names if shard.Shard(i, total).has(n)] for i in range(1, total + 1)]
        assert sorted(sum(slices, [])) == names  # every learner in exactly one slice
        shuffled = names[:]
        random.Random(total).shuffle(shuffled)
        again = [sorted(n for n in shuffled if shard.Shard(i, total).has(n))
                 for i in range(1, total + 1)]  # fmt: skip
        assert again == [sorted(s) for s in slices]
    assert shard.parse("2/4") == shard.Shard(2, 4) and shard.parse(None) == shard.ALL
    for bad in ("0/4", "5/4", "a/b", "3"):
        with pytest.raises(LabError, match="is not I/N"):
            shard.parse(bad)


def test_points_file(tmp_path):
    chosen = [find("04"), find("06"), find("08")]
    assert points.read(None, chosen) == {"04": 1, "06": 1, "08": 1}
    f = tmp_path / "points.toml"
    f.write_text('[points]\n"04" = 2\nex06 = 0.5\ndefault = 3\n')
    assert points.read(f, chosen) == {"04": 2, "06": 0.5, "08": 3}
    f.write_text("[points]\nex99 = 2\n")
    with pytest.raises(LabError, match="'ex99', which is not an exercise"):
        points.read(f, chosen)
    f.write_text('[points]\n"04" = -1\n')
    with pytest.raises(LabError, match="points are numbers >= 0"):
        points.read(f, chosen)
    assert len(list(all_exercises())) == 11
