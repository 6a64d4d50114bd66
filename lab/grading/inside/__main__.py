"""Runs one exercise in a fresh Python process: the learner's module first, then its check.

    python -m lab.grading.inside --file solutions/ex06_parallel_http.py \
        --check lab.checks.ex06_parallel_http [--switches]
        < {"case": {...}, "fd": N, "word_fd": M, "token": "..."}

The grader (lab.grading.process) starts this with the lab's ``LAB_*`` variables in the
environment, in its own process group, and kills the group when the exercise's time limit
is up; it may start it early and hand the case over later. Order matters:

1. no new process may be created from here on (lab.grading.inside.noprocs);
2. the learner's module is imported before anything that could import socket, ssl or
   requests, so that its ``monkey.patch_all()`` really comes first (this file imports only
   light standard-library modules at the top), then its check: both while the grader is
   still setting the lab up;
3. the handover is read to the end from what was stdin (the case and the grader's
   channel: nothing of them is in argv, the environment or a file; the learner's code
   found an empty stdin);
4. the check's ``run`` calls the learner's code (``timed`` marks the call);
5. one "result" goes back on the channel:

- ``{"status": "ok", "observed": {...}}``: what the check's ``run`` returned;
- ``{"status": "not-done", "reason": "..."}``: a TODO still raises NotImplementedError;
- ``{"status": "failed", "kind": "...", "reason": "...", "timeline": [...],
  "suggestion": "..."}``: a GradeFailure raised inside ``run``, or any other exception
  (kind "crash", reason = the exception and the last frames of the learner's traceback).

Nothing is sent when the process dies or is killed; the grader reports that itself.
"""

import argparse
import importlib
import importlib.util
import json
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from lab.grading.contract import GradeFailure
from lab.grading.inside import channel, entrypoints, noprocs, watchdog  # standard library only
from lab.i18n import lang, t

# Frames from these files are the grader's, not the learner's: left out of tracebacks.
_OWN_DIRS = tuple(
    str(Path(__file__).resolve().parents[2] / d) + os.sep for d in ("grading", "checks")
)
TRACEBACK_FRAMES = 5


def learner_traceback(exc: BaseException) -> str:
    """The last few frames that are not the grader's, and the exception line."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith("<frozen ")
        and "importlib" not in f.filename
        and not f.filename.startswith(_OWN_DIRS)
    ]
    text = "".join(traceback.format_list(frames[-TRACEBACK_FRAMES:]))
    text = text.replace(f'"{os.getcwd()}{os.sep}', '"')  # repo-relative paths
    return text + "".join(traceback.format_exception_only(type(exc), exc))


def _todo_origin(exc: BaseException) -> str:
    """'file:line in function' of the innermost frame that raised, for "not done" messages."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    f = tb[-1]
    return t("where", file=os.path.relpath(f.filename), line=f.lineno, function=f.name)


_TODO_RAISE = re.compile(r"raise NotImplementedError\(\s*[\"'](TODO (\d+)[^\"']*)[\"']")


def todos_left(path: str) -> list[tuple[int, str, int, str]]:
    """The ``raise NotImplementedError("TODO N...")`` still in the learner's file, by N:
    ``(N, message, line, function)``. The first TODO to do is the first one named, not
    the one that happened to be called first (start() calls task_a, which is TODO 1)."""
    import ast

    try:
        source = Path(path).read_text()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return []
    functions: list[tuple[int, int, str]] = [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        match = _TODO_RAISE.search(line)
        if match and not line.lstrip().startswith("#"):
            inside = [f for f in functions if f[0] <= number <= f[1]]
            name = min(inside, key=lambda f: f[1] - f[0])[2] if inside else "<module>"
            found.append((int(match.group(2)), match.group(1), number, name))
    return sorted(found)


def not_done_reason(exc: BaseException, file: str) -> str:
    """ "not done yet: TODO 1: task_a (exercises/ex01...py:72 in task_a())", naming the
    lowest TODO left in the file, and how many follow it."""
    todos = todos_left(file)
    if not todos:
        message = str(exc) or "TODO"
        return t("not_done", todo=message, where=_todo_origin(exc))
    _, message, line, function = todos[0]
    if lang() == "vi":  # the file's TODO text is English: its number and place say enough
        message = message.split(":")[0]
    rel = os.path.relpath(Path(file).resolve())
    text = t("not_done", todo=message, where=t("where", file=rel, line=line, function=function))
    rest = [m.split(":")[0] for _, m, _, _ in todos[1:]]
    if rest:
        text += "\n" + t("not_done.more", n=len(rest), todos=", ".join(rest))
    return text


def import_file(path: str):
    """The learner's module, imported from its file (any folder, package or not), under its
    stem's name; its folder goes first on sys.path so that its own helper modules import."""
    file = Path(path).resolve()
    sys.path.insert(0, str(file.parent))
    spec = importlib.util.spec_from_file_location(file.stem, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[file.stem] = module
    spec.loader.exec_module(module)
    return module


# Modules that open connections and keep parts of socket as they were when imported (ssl's
# SSLSocket subclasses socket.socket): imported before gevent's patch, they may block. A
# plain ``import socket`` before the patch is harmless (the module itself is patched).
_NETWORK = ("ssl", "http.client", "urllib.request", "urllib3", "requests")


class _ImportLog:
    """A meta path finder that finds nothing and notes every module imported, in order."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name, path, target=None):
        self.names.append(name)
        return None

    def late_patch(self) -> list[str]:
        """The network modules imported before gevent's socket was (which patch_all() and
        ``from gevent import socket`` import): empty when the patch came first or never."""
        if "gevent.socket" not in self.names:
            return []
        before = self.names[: self.names.index("gevent.socket")]
        return [name for name in _NETWORK if name in before]


def import_logged(file: str) -> tuple[object, list[str]]:
    """The learner's module, and the network modules it imported before patching."""
    log = _ImportLog()
    sys.meta_path.insert(0, log)
    try:
        module = import_file(file)
    finally:
        sys.meta_path.remove(log)
    return module, log.late_patch()


class Loaded:
    """The learner's module and its check, imported (or what went wrong doing it)."""

    def __init__(self, file: str, check_module: str) -> None:
        self.file = file
        self.module: Any = None
        self.check: Any = None
        self.late: list[str] = []
        self.failed: dict | None = None
        try:
            self.module, self.late = import_logged(file)
            self.check = importlib.import_module(check_module)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.failed = outcome_of(exc, file)


def grade(loaded: Loaded, case: dict, switches: bool = False) -> dict:
    """Run the check on the learner's module; every outcome becomes a JSON-ready dict (see
    the module docstring). ``switches``: record every greenlet switch (greenlet exercises)."""
    if loaded.failed is not None:
        return loaded.failed
    recorder = None
    try:
        if switches:
            from lab.grading.inside.switches import Recorder

            recorder = Recorder(loaded.module)
            recorder.start()
        try:
            assert loaded.check is not None
            observed = loaded.check.run(loaded.module, case)
        finally:
            if recorder is not None:
                recorder.stop()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return outcome_of(exc, loaded.file)
    return {"status": "ok", "observed": observed, "late_patch": loaded.late}


def outcome_of(exc: BaseException, file: str) -> dict:
    """What an exception that left the learner's code (or the check) means for the grade."""
    if isinstance(exc, NotImplementedError):
        return {"status": "not-done", "reason": not_done_reason(exc, file)}
    if isinstance(exc, GradeFailure):  # a bare assert in the learner's code is a crash
        return {
            "status": "failed",
            "kind": exc.kind,
            "reason": exc.reason,
            "suggestion": exc.suggestion,
        }
    return _crash(exc)


def _crash(exc: BaseException) -> dict:
    return {
        "status": "failed",
        "kind": "crash",
        "reason": t("crash", error=f"{type(exc).__name__}: {exc}"),
        "traceback": learner_traceback(exc),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="the learner's exercise file")
    parser.add_argument("--check", required=True, help="e.g. lab.checks.ex06_parallel_http")
    parser.add_argument("--switches", action="store_true", help="record greenlet switches")
    args = parser.parse_args(argv)
    # LAB_NOPROCS=off (the grader's environment) stands for a kernel without seccomp
    forbidden = os.environ.get("LAB_NOPROCS") != "off" and noprocs.forbid()
    watchdog.LEARNER_DIR = os.path.dirname(os.path.abspath(args.file))
    # The handover comes on stdin, kept aside: the learner's code reads an empty stdin.
    handover_fd = os.dup(0)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    if not args.switches:  # the greenlet exercises never patch: no need to read them
        entrypoints.read_once()  # patch_all() asks 25 times: 0.1 s saved
    # Imported while the grader sets the lab up (the case is not needed for it): the
    # learner's monkey patching still comes first, nothing here has imported socket.
    loaded = Loaded(args.file, args.check)
    with os.fdopen(handover_fd, "rb") as pipe:
        handover = json.loads(pipe.read() or b"null")
    if not isinstance(handover, dict):  # the grader gave up before handing over: nothing to do
        os._exit(0)
    channel.connect(handover["fd"], handover["token"], handover.get("word_fd"))
    channel.send("ready", forbidden=forbidden)
    result = grade(loaded, handover["case"], args.switches)
    try:
        channel.send("result", result=result)
    except (TypeError, ValueError) as exc:
        channel.send(
            "result",
            result={
                "status": "failed",
                "kind": "crash",
                "reason": t("unreadable", error=exc),
            },
        )
    sys.stdout.flush()
    # Skip interpreter teardown: leftover greenlets/threads of a learner must not hang it.
    os._exit(0)


if __name__ == "__main__":
    main()
