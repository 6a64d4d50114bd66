"""Runs one exercise in a fresh Python process: the learner's module first, then its spec.

    python -m tests.grader.runner --target solutions --stem ex06_parallel_http \\
        --case CASE.json --out RESULT.json

The harness starts this with the lab's ``LAB_*`` variables in the environment, in its own
process group, and kills the group when the spec's TIME_LIMIT is up. Order matters: the
learner's module is imported before anything that could import socket, ssl or requests, so
that its ``monkey.patch_all()`` really comes first (this file imports only lightweight
standard-library modules at the top).

RESULT.json is one object:

- ``{"status": "ok", "observed": {...}}``: what ``spec.run`` returned;
- ``{"status": "not-done", "reason": "..."}``: a TODO still raises NotImplementedError;
- ``{"status": "failed", "kind": "...", "reason": "...", "timeline": [...],
  "suggestion": "..."}``: a GradeFailure raised inside ``run``, or any other exception
  (kind "crash", reason = the exception and the last frames of the learner's traceback).

Nothing is written when the process dies or is killed; the harness reports that itself.
"""

import argparse
import importlib
import json
import os
import sys
import traceback

# Frames from these files are the grader's, not the learner's: left out of tracebacks.
_OWN_FILES = ("tests/grader/runner.py", "tests/grader/specs/", "tests/grader/timeline.py")
TRACEBACK_FRAMES = 5


def learner_traceback(exc: BaseException) -> str:
    """The last few frames that are not the grader's, and the exception line."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith("<frozen ")
        and "importlib" not in f.filename
        and not any(own in f.filename.replace(os.sep, "/") for own in _OWN_FILES)
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


def grade(target: str, stem: str, case: dict) -> dict:
    """Import and run; every outcome becomes a JSON-ready dict (see the module docstring)."""
    try:
        module = importlib.import_module(f"{target}.{stem}")
        spec = importlib.import_module(f"tests.grader.specs.{stem}")
        observed = spec.run(module, case)
    except NotImplementedError as exc:
        where = _todo_origin(exc)
        message = str(exc) or "TODO"
        return {
            "status": "not-done",
            "reason": f"not done yet: {message}" + (f" ({where})" if where else ""),
        }
    except AssertionError as exc:
        # GradeFailure is an AssertionError; a bare assert in the learner's code is a crash.
        if hasattr(exc, "kind"):
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
    parser.add_argument("--target", required=True, help="package: exercises, solutions, ...")
    parser.add_argument("--stem", required=True, help="module name, e.g. ex06_parallel_http")
    parser.add_argument("--case", required=True, help="JSON file with the case")
    parser.add_argument("--out", required=True, help="where to write the result JSON")
    args = parser.parse_args(argv)
    with open(args.case) as f:
        case = json.load(f)
    result = grade(args.target, args.stem, case)
    try:
        text = json.dumps(result)
    except (TypeError, ValueError) as exc:
        text = json.dumps(
            {
                "status": "failed",
                "kind": "crash",
                "reason": f"the results could not be read back: {exc}",
            }
        )
    with open(args.out, "w") as f:
        f.write(text)
    sys.stdout.flush()
    # Skip interpreter teardown: leftover greenlets/threads of a learner must not hang it.
    os._exit(0)


if __name__ == "__main__":
    main()
