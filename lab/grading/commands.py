"""The learner's commands of ``gevent-lab``: check, hint, watch, reset, trace.

lab.cli's one command table names them; each ``cmd_*`` takes the parsed arguments and
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
from lab.grading.target import shown
from lab.i18n import t


def cmd_check(args: argparse.Namespace) -> int:
    from lab.grading import early

    if args.exercise:  # its process imports while the grader does (lab.grading.early)
        early.start(args.exercise, args.target)
    try:
        from lab.grading.driver import check

        return check(args.exercise, args.target, args.seed, args.report_dir)
    finally:
        early.discard()  # this one, or the next exercise's (driver), if never graded


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
        print(t("reset.backup", file=shown(backup)))
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


def cmd_trace(args: argparse.Namespace) -> int:
    """Grade one exercise and draw its timeline even when it passes."""
    from lab.grading import report
    from lab.grading.driver import new_seed
    from lab.grading.engine import Grader
    from lab.grading.labsession import lab_for_grading
    from lab.grading.target import resolve_target

    ex = find(args.exercise, command="make trace EX=06")
    target = resolve_target(args.target)
    seed = args.seed if args.seed is not None else new_seed()
    cfg = config.load()
    print(t("trace.tracing", file=target.display(ex), seed=seed))
    if ex.needs_lab:
        with lab_for_grading(cfg) as lab_cfg:
            outcome = Grader(lab_cfg, target, seed).grade(ex)
    else:
        outcome = Grader(cfg, target, seed).grade(ex)
    print(report.outcome_line(outcome))
    print(trace_text(outcome, ex.is_greenlet))
    return 0 if outcome.passed else 1


def trace_text(outcome, greenlet: bool) -> str:
    """What the lab saw and the calls, every lane with the floor marked; then the greenlet
    switches (for a ``greenlet`` exercise) or where the event loop was blocked (gevent)."""
    from lab.grading.bars import pictures

    parts = []
    lanes = max(len(outcome.lab), len(outcome.calls))
    if picture := pictures(outcome, width=60, max_rows=lanes):
        parts.append(picture)
    elif not greenlet:
        parts.append(t("trace.no_timeline"))
    if greenlet:
        parts += _switches_text(outcome.switches)
    else:
        parts += _blocked_text(outcome.blocked)
    return "\n".join(parts)


def _switches_text(switches: list[dict]) -> list[str]:
    if not switches:
        return [t("trace.no_switches")]
    return [t("trace.switches", n=len(switches))] + [
        "  " + _switch_line(i, s) for i, s in enumerate(switches, 1)
    ]


def _switch_line(i: int, s: dict) -> str:
    """ "3. switch worker_b @ task_b:26 -> worker_a: resumes in task_a" (or "starts
    running"); a greenlet whose function ended switches from "worker_b (its function
    ended)"."""
    origin = f"{s['from']} @ {s['at']}" if s["at"] else f"{s['from']} {t('trace.ended')}"
    where = t("trace.resumes", function=s["resumes"]) if s["resumes"] else t("trace.start")
    return t(
        "trace.switch_line", i=i, event=s["event"], origin=origin, target=s["to"], function=where
    )


def _blocked_text(blocks: list[dict]) -> list[str]:
    from lab.grading.inside.watchdog import REPORT_S

    if not blocks:
        return [t("blocked.trace_none", ms=int(REPORT_S * 1000))]
    lines = [t("blocked.trace_title")]
    for b in blocks:
        lines.append(
            "  " + t("blocked", seconds=b["seconds"], file=b["file"], line=b["line"],
                     call=b["call"], why=t(f"blocked.{b['cause']}"))
        )  # fmt: skip
    return lines
