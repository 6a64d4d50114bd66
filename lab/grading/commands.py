"""The learner's commands of ``gevent-lab``: check, hint, watch, reset, trace.

lab.cli adds them to the one command line; each ``cmd_*`` takes the parsed arguments and
returns the exit status. Errors are ``LabError`` (the CLI prints them without a traceback).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

from lab import config
from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.exercises import EXERCISES_DIR, find
from lab.i18n import t


def add_parsers(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help=t("help.check"))
    c.add_argument("exercise", metavar="EX", nargs="?", help=t("help.one_ex"))
    c.add_argument("--target", default="exercises", help=t("help.target"))
    c.add_argument("--seed", type=int, help=t("help.seed"))
    c.add_argument("--report-dir", default="reports", help=t("help.report_dir"))

    h = sub.add_parser("hint", help=t("help.hint"))
    h.add_argument("exercise", metavar="EX", nargs="?", help=t("help.ex"))
    h.add_argument("--all", action="store_true", help=t("help.all"))
    h.add_argument("--reset", action="store_true", help=t("help.hint_reset"))

    w = sub.add_parser("watch", help=t("help.watch"))
    w.add_argument("exercise", metavar="EX", nargs="?", help=t("help.ex"))
    w.add_argument("--target", default="exercises", help=t("help.watch_target"))
    w.add_argument("--interval", type=float, default=0.5, help=t("help.interval"))

    r = sub.add_parser("reset", help=t("help.reset"))
    r.add_argument("exercise", metavar="EX", nargs="?", help=t("help.ex"))

    tr = sub.add_parser("trace", help=t("help.trace"))
    tr.add_argument("exercise", metavar="EX", nargs="?", help=t("help.ex"))
    tr.add_argument("--target", default="exercises", help=t("help.target"))
    tr.add_argument("--seed", type=int, help=t("help.seed"))

    u = sub.add_parser("ui", help=t("help.ui"))
    u.add_argument("--port", type=int, help=t("help.port"))
    u.add_argument("--report-dir", default="reports", help=t("help.ui_report_dir"))
    u.add_argument("--target", help=t("help.ui_target"))
    u.add_argument("--lang", choices=("vi", "en"), help=t("help.lang"))


def cmd_check(args: argparse.Namespace) -> int:
    from lab.grading.check import check

    return check(args.exercise, args.target, args.seed, args.report_dir)


def cmd_hint(args: argparse.Namespace) -> int:
    from lab.grading.hints import hint

    return hint(args.exercise, show_all=args.all, reset=args.reset)


def cmd_watch(args: argparse.Namespace) -> int:
    from lab.grading.watch import watch

    return watch(args.exercise, args.target, args.interval)


def cmd_reset(args: argparse.Namespace) -> int:
    """Put back the exercise file as the repository has it, after backing up the learner's."""
    ex = find(args.exercise, command="make reset EX=01")
    path = ex.file_in(EXERCISES_DIR)
    rel = path.relative_to(REPO_ROOT)
    starting = _committed(rel)
    backup = None
    if path.is_file():
        if path.read_bytes() == starting:
            print(t("reset.same", file=rel))
            return 0
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = config.load().state_path / "backups" / f"{ex.stem}.{stamp}.py"
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, backup)
    path.write_bytes(starting)
    print(t("reset.done", file=rel))
    if backup is not None:
        print(t("reset.backup", file=_shown(backup)))
    return 0


def _committed(rel: Path) -> bytes:
    """The file as the checkout's last commit has it."""
    proc = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "show", f"HEAD:{rel.as_posix()}"],
        capture_output=True,
    )
    if proc.returncode != 0:
        error = proc.stderr.decode(errors="replace").strip() or "not a git checkout"
        raise LabError(t("reset.no_git", file=rel, error=error), t("reset.no_git_fix"))
    return proc.stdout


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def cmd_trace(args: argparse.Namespace) -> int:
    """Grade one exercise and draw its timeline even when it passes."""
    import random

    from lab.grading import report, speed
    from lab.grading.harness import Grader
    from lab.grading.labsession import lab_for_grading
    from lab.grading.target import resolve_target

    ex = find(args.exercise, command="make trace EX=06")
    target = resolve_target(args.target)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    cfg = config.load()
    print(t("trace.tracing", file=target.display(ex), seed=seed))
    if ex.needs_lab:
        with lab_for_grading(cfg) as lab_cfg:
            outcome = Grader(lab_cfg, target, seed).grade(ex)
    else:
        outcome = Grader(cfg, target, seed).grade(ex)
    print(report.outcome_line(outcome))
    print(trace_text(outcome, speed.CHECKS[0]["floor"] if speed.CHECKS else None, ex.number))
    return 0 if outcome.passed else 1


def trace_text(outcome, floor: float | None, number: int) -> str:
    """Every lane of the timeline with the floor marked, the greenlet switches (01-03),
    and where the event loop was blocked (04-11)."""
    from lab.grading.blocking import REPORT_S
    from lab.grading.timeline import render

    parts = []
    timeline = outcome.details.get("timeline")
    if timeline:
        parts.append(render(timeline, width=60, max_rows=len(timeline), floor=floor))
    elif number > 3:
        parts.append(t("trace.no_timeline"))
    switches = outcome.details.get("switches")
    if number <= 3:
        if switches:
            parts.append(t("trace.switches", n=len(switches)))
            parts += ["  " + _switch_line(i, s) for i, s in enumerate(switches, 1)]
        else:
            parts.append(t("trace.no_switches"))
    else:
        blocks = outcome.details.get("blocked") or []
        if blocks:
            parts.append(t("blocked.trace_title"))
            for b in blocks:
                parts.append(
                    "  " + t("blocked", seconds=b["seconds"], file=b["file"], line=b["line"],
                             call=b["call"], why=t(f"blocked.{b['cause']}"))
                )  # fmt: skip
        else:
            parts.append(t("blocked.trace_none", ms=int(REPORT_S * 1000)))
    return "\n".join(parts)


def _switch_line(i: int, s: dict) -> str:
    """ "3. switch worker_b @ task_b:26 -> worker_a: resumes in task_a" (or "starts
    running"); a greenlet whose function ended switches from "worker_b (its function
    ended)"."""
    origin = f"{s['from']} @ {s['at']}" if s["at"] else f"{s['from']} {t('trace.ended')}"
    where = t("trace.resumes", function=s["resumes"]) if s["resumes"] else t("trace.start")
    return t(
        "trace.switch_line", i=i, event=s["event"], origin=origin, target=s["to"], function=where
    )


def cmd_ui(args: argparse.Namespace) -> int:
    """The dashboard, in a fresh interpreter (``python -m lab.ui``) so that gevent patches
    the standard library before anything else is imported."""
    import os
    import sys

    argv = [sys.executable, "-m", "lab.ui", "--report-dir", args.report_dir]
    argv += ["--port", str(args.port)] if args.port is not None else []
    argv += ["--target", args.target] if args.target else []
    argv += ["--lang", args.lang] if args.lang else []
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 1  # not reached: execv replaces this process


COMMANDS = {
    "check": cmd_check,
    "hint": cmd_hint,
    "watch": cmd_watch,
    "reset": cmd_reset,
    "trace": cmd_trace,
    "ui": cmd_ui,
}
