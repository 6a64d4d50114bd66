"""A learner's work, fetched from their source into a folder of the teacher's.

- a **folder**: used as it is;
- a **git repository** (a local path, or a URL: ``file://``, ``https://``, ``ssh://``,
  ``git@host:path``): cloned; ``ref`` picks a branch or commit, and with a deadline the
  last commit on it made before the deadline is graded (its committer date, first parents
  only), like GitHub Classroom's deadline;
- a **zip archive**: extracted safely (no member with an absolute path or ``..``, no
  symlink, at most ``MAX_ZIP_FILES`` members and ``MAX_ZIP_BYTES`` bytes in all, counted
  as they are written, not as the archive claims).

Then ``exercise_folder`` finds the folder holding the exercise files (``exercises/`` or the
top, or one level down, as an archive of a repository has it) and ``copy_exercises`` copies
only the chosen exercises' files, regular files only (a symlink could show the learner a
file of the teacher's), read-only.

Every problem is a ``SourceError`` with a message for the teacher.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lab.classroom.roster import Entry
from lab.exercises import Exercise, all_exercises
from lab.i18n import t

MAX_ZIP_FILES = 2_000
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_EXERCISE_BYTES = 512 * 1024  # one exercise file
GIT_TIMEOUT_S = 300
URL = re.compile(r"^(file|https?|ssh|git)://|^[\w.-]+@[\w.-]+:")
# Protocols git may use for a roster's URL (never ext::, which runs commands).
GIT_PROTOCOLS = "file:git:http:https:ssh"


class SourceError(Exception):
    """A learner's source that cannot be graded; the message says why."""


@dataclass(frozen=True)
class Fetched:
    folder: Path  # where the learner's files are now
    kind: str  # "folder", "git" or "zip"
    commit: str | None = None  # the graded commit of a git source


def kind_of(entry: Entry) -> tuple[str, str]:
    """("git" | "zip" | "folder", location): a URL stays as written, a path is resolved
    against the roster's folder."""
    if URL.match(entry.source):
        return "git", entry.source
    path = (entry.folder / entry.source).resolve()
    if path.is_file() and path.suffix.lower() == ".zip":
        return "zip", str(path)
    if path.is_dir():
        if (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir()):
            return "git", str(path)
        return "folder", str(path)
    raise SourceError(t("class.source_missing", source=entry.source, where=path))


def fetch(entry: Entry, into: Path, deadline: datetime | None = None) -> Fetched:
    """The learner's work, in ``into`` (an empty folder) unless it is a plain folder."""
    kind, where = kind_of(entry)
    if kind == "git":
        return clone(where, into, entry.ref, deadline)
    if entry.ref:
        raise SourceError(t("class.ref_not_git", ref=entry.ref))
    if kind == "zip":
        extract_zip(Path(where), into)
        return Fetched(into, "zip")
    return Fetched(Path(where), "folder")


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ALLOW_PROTOCOL": GIT_PROTOCOLS,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    try:
        proc = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false", *args],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SourceError(t("class.git_timeout", seconds=GIT_TIMEOUT_S)) from None
    except OSError as e:
        raise SourceError(t("class.git_failed", error=e)) from None
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise SourceError(t("class.git_failed", error=lines[-1] if lines else proc.returncode))
    return proc.stdout.strip()


def clone(url: str, into: Path, ref: str | None, deadline: datetime | None) -> Fetched:
    """Clone ``url`` and check out ``ref`` (default: its default branch), or the last
    commit on it before ``deadline``."""
    repo = into / "repo"
    _git("clone", "--quiet", "--no-checkout", "--", url, str(repo))
    tip = _resolve(repo, ref)
    commit = tip
    if deadline is not None:
        stamp = deadline.isoformat()
        commit = _git("rev-list", "-n", "1", "--first-parent", f"--before={stamp}", tip, cwd=repo)
        if not commit:
            raise SourceError(t("class.no_commit_before", deadline=stamp))
    _git("checkout", "--quiet", commit, cwd=repo)
    return Fetched(repo, "git", commit)


def _resolve(repo: Path, ref: str | None) -> str:
    if not ref:
        return _git("rev-parse", "--verify", "HEAD^{commit}", cwd=repo)
    for name in (f"origin/{ref}", ref):
        try:
            return _git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", cwd=repo)
        except SourceError:
            continue
    raise SourceError(t("class.no_ref", ref=ref))


def extract_zip(archive: Path, into: Path) -> None:
    """Extract ``archive`` into ``into``, refusing anything that could land outside it."""
    try:
        with zipfile.ZipFile(archive) as z:
            members = z.infolist()
            if len(members) > MAX_ZIP_FILES:
                raise SourceError(t("class.zip_too_many", n=len(members), max=MAX_ZIP_FILES))
            for info in members:
                _check_member(info)
            written = 0
            for info in members:
                written = _extract(z, info, into, written)
    except (zipfile.BadZipFile, OSError) as e:
        raise SourceError(t("class.zip_bad", archive=archive.name, error=e)) from None


def _check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = Path(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise SourceError(t("class.zip_outside", member=name))
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise SourceError(t("class.zip_symlink", member=name))


def _extract(z: zipfile.ZipFile, info: zipfile.ZipInfo, into: Path, written: int) -> int:
    target = into.joinpath(*Path(info.filename.replace("\\", "/")).parts)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return written
    target.parent.mkdir(parents=True, exist_ok=True)
    with z.open(info) as src, open(target, "xb") as dst:
        while chunk := src.read(65536):
            written += len(chunk)
            if written > MAX_ZIP_BYTES:
                raise SourceError(t("class.zip_too_big", max=MAX_ZIP_BYTES // (1024 * 1024)))
            dst.write(chunk)
    return written


def exercise_folder(root: Path) -> Path:
    """The folder of ``root`` that holds exercise files: ``exercises/``, the top, or a
    folder one or two levels down (an archive often wraps a repository in one folder)."""
    stems = {f"{ex.stem}.py" for ex in all_exercises()}

    def has_files(folder: Path) -> bool:
        try:
            return any(p.name in stems for p in folder.iterdir())
        except OSError:
            return False

    candidates = [root / "exercises", root]
    for depth in ("*", "*/*"):
        found = sorted(p for p in root.glob(depth) if p.is_dir() and not p.is_symlink())
        candidates += [c for p in found for c in (p / "exercises", p)]
    for folder in candidates:
        if folder.is_dir() and not folder.is_symlink() and has_files(folder):
            return folder
    raise SourceError(t("class.no_exercises", where=root.name or root))


def copy_exercises(folder: Path, into: Path, chosen: list[Exercise]) -> list[str]:
    """Copy the chosen exercises' files that ``folder`` has into ``into``, read-only;
    the stems copied. A symlink, a file that is not regular, or one too big, is refused."""
    into.mkdir(parents=True, exist_ok=True)
    copied = []
    for ex in chosen:
        src = ex.file_in(folder)
        try:
            info = src.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(t("class.not_regular", file=src.name))
        if info.st_size > MAX_EXERCISE_BYTES:
            raise SourceError(t("class.too_big", file=src.name, kib=MAX_EXERCISE_BYTES // 1024))
        dst = ex.file_in(into)
        shutil.copyfile(src, dst, follow_symlinks=False)
        dst.chmod(0o444)
        copied.append(ex.stem)
    into.chmod(0o555)
    return copied
