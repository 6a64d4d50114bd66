"""Runs one exercise in a fresh Python process: the learner's module first, then its check.

    python -m lab.grading.runner --file solutions/ex06_parallel_http.py \\
        --check lab.checks.ex06_parallel_http   < {"case": {...}, "fd": N, "token": "..."}

The harness starts this with the lab's ``LAB_*`` variables in the environment, in its own
process group, and kills the group when the exercise's time limit is up. Order matters: the
learner's module is imported before anything that could import socket, ssl or requests, so
that its ``monkey.patch_all()`` really comes first (this file imports only lightweight
standard-library modules at the top).

The result is one object, sent on the grader's channel (lab.grading.channel) as "result":

- ``{"status": "ok", "observed": {...}}``: what the check's ``run`` returned;
- ``{"status": "not-done", "reason": "..."}``: a TODO still raises NotImplementedError;
- ``{"status": "failed", "kind": "...", "reason": "...", "timeline": [...],
  "suggestion": "..."}``: a GradeFailure raised inside ``run``, or any other exception
  (kind "crash", reason = the exception and the last frames of the learner's traceback).

Nothing is sent when the process dies or is killed; the harness reports that itself.
"""

import argparse
import importlib
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

from lab.grading import channel  # these two import the standard library only
from lab.grading.contract import GradeFailure

# Frames from these files are the grader's, not the learner's: left out of tracebacks.
_OWN_DIRS = tuple(
    str(Path(__file__).resolve().parent.parent / d) + os.sep for d in ("grading", "checks")
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
    return f"{os.path.relpath(f.filename)}:{f.lineno} in {f.name}()"


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


def grade(file: str, check_module: str, case: dict) -> dict:
    """Import and run; every outcome becomes a JSON-ready dict (see the module docstring)."""
    try:
        module = import_file(file)
        check = importlib.import_module(check_module)
        observed = check.run(module, case)
    except NotImplementedError as exc:
        where = _todo_origin(exc)
        message = str(exc) or "TODO"
        return {
            "status": "not-done",
            "reason": f"not done yet: {message}" + (f" ({where})" if where else ""),
        }
    except AssertionError as exc:
        # GradeFailure is an AssertionError; a bare assert in the learner's code is a crash.
        if isinstance(exc, GradeFailure):
            return {
                "status": "failed",
                "kind": exc.kind,
                "reason": exc.reason,
                "timeline": exc.timeline,
                "suggestion": exc.suggestion,
            }
        return _crash(exc)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _crash(exc)
    return {"status": "ok", "observed": observed}


def _crash(exc: BaseException) -> dict:
    return {
        "status": "failed",
        "kind": "crash",
        "reason": f"raised {type(exc).__name__}: {exc}",
        "traceback": learner_traceback(exc),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="the learner's exercise file")
    parser.add_argument("--check", required=True, help="e.g. lab.checks.ex06_parallel_http")
    args = parser.parse_args(argv)
    # The case and the grader's channel come on stdin, read to the end before the learner's
    # module is imported: nothing of them is left in argv, the environment or a file.
    handover = json.loads(sys.stdin.read())
    channel.connect(handover["fd"], handover["token"])
    result = grade(args.file, args.check, handover["case"])
    try:
        channel.send("result", result=result)
    except (TypeError, ValueError) as exc:
        channel.send(
            "result",
            result={
                "status": "failed",
                "kind": "crash",
                "reason": f"the results could not be read back: {exc}",
            },
        )
    sys.stdout.flush()
    # Skip interpreter teardown: leftover greenlets/threads of a learner must not hang it.
    os._exit(0)


if __name__ == "__main__":
    main()
