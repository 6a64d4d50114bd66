"""``gevent-lab`` (``python -m lab``): the one command line of the lab; make wraps it.

``commands()`` is the one table of every command (like rustlings' ``Command`` enum): its
name, help, arguments, and the function that runs it, named as ``"module:function"`` and
imported only when that command runs, so ``gevent-lab --help`` loads none of them. The
parser is built from the table and dispatch goes through it. Every function takes the
parsed arguments and returns the exit status:

- lab commands (lab.lab_commands): up, down, status, latency, run;
- learner commands (lab.grading.commands): check, hint, watch, reset, trace;
- the dashboard (lab.ui): ui.

Errors are one sentence and what to do next, never a traceback (``LAB_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lab.errors import LabError
from lab.i18n import t


@dataclass(frozen=True)
class Arg:
    """One argument of a command: argparse's ``add_argument(*flags, **options)``; the
    arguments of one ``exclusive`` group exclude each other."""

    flags: tuple[str, ...]
    options: dict[str, Any]
    exclusive: str | None = None


def arg(*flags: str, exclusive: str | None = None, **options: Any) -> Arg:
    return Arg(flags, options, exclusive)


@dataclass(frozen=True)
class Command:
    """One subcommand of ``gevent-lab``; ``run`` is ``"module:function"``."""

    name: str
    help: str
    run: str
    args: tuple[Arg, ...] = field(default=())
    verbs: tuple[Command, ...] = field(default=())  # ``gevent-lab class grade|merge``: ``run``
    # of the command itself sees the verb as ``args.<name>_command``

    def handler(self) -> Callable[[argparse.Namespace], int]:
        module, _, function = self.run.partition(":")
        return getattr(importlib.import_module(module), function)


def commands() -> tuple[Command, ...]:
    """Every command of the lab, in the order ``--help`` lists them."""
    exercise = arg("exercise", metavar="EX", nargs="?", help=t("help.ex"))
    seed = arg("--seed", type=int, help=t("help.seed"))
    return (
        Command("up", t("help.up"), "lab.lab_commands:cmd_up"),
        Command("down", t("help.down"), "lab.lab_commands:cmd_down"),
        Command(
            "status",
            t("help.status"),
            "lab.lab_commands:cmd_status",
            (arg("--json", action="store_true", help=t("help.json")),),
        ),
        Command(
            "latency",
            t("help.latency"),
            "lab.lab_commands:cmd_latency",
            (
                arg("ms", metavar="MS", nargs="?", help=t("help.ms")),
                arg("--jitter", default="0", metavar="MS", help=t("help.jitter")),
                arg("--dns-only", action="store_true", help=t("help.dns_only"), exclusive="only"),
                arg("--http-only", action="store_true", help=t("help.http_only"), exclusive="only"),
            ),
        ),
        Command(
            "run",
            t("help.run"),
            "lab.lab_commands:cmd_run",
            (arg("exercise", metavar="EX", nargs="?", default="", help=t("help.ex_or")),),
        ),
        Command(
            "check",
            t("help.check"),
            "lab.grading.commands:cmd_check",
            (
                arg("exercise", metavar="EX", nargs="?", help=t("help.one_ex")),
                arg("--target", default="exercises", help=t("help.target")),
                seed,
                arg("--report-dir", default="reports", help=t("help.report_dir")),
            ),
        ),
        Command(
            "hint",
            t("help.hint"),
            "lab.grading.commands:cmd_hint",
            (
                exercise,
                arg("--all", action="store_true", help=t("help.all")),
                arg("--reset", action="store_true", help=t("help.hint_reset")),
            ),
        ),
        Command(
            "watch",
            t("help.watch"),
            "lab.grading.commands:cmd_watch",
            (
                exercise,
                arg("--target", default="exercises", help=t("help.watch_target")),
                arg("--interval", type=float, default=0.5, help=t("help.interval")),
            ),
        ),
        Command("reset", t("help.reset"), "lab.grading.commands:cmd_reset", (exercise,)),
        Command(
            "trace",
            t("help.trace"),
            "lab.grading.commands:cmd_trace",
            (exercise, arg("--target", default="exercises", help=t("help.target")), seed),
        ),
        Command(
            "ui",
            t("help.ui"),
            "lab.ui:command",
            (
                arg("--port", type=int, help=t("help.port")),
                arg("--report-dir", default="reports", help=t("help.ui_report_dir")),
                arg("--target", help=t("help.ui_target")),
                arg("--lang", choices=("vi", "en"), help=t("help.lang")),
            ),
        ),
        Command(
            "class",
            t("help.class"),
            "lab.classroom.cli:command",
            verbs=(
                Command(
                    "grade",
                    t("help.class_grade"),
                    "",
                    (
                        arg("roster", metavar="ROSTER", help=t("help.class_roster")),
                        arg("--out", default="reports/class", help=t("help.class_out")),
                        arg("--jobs", type=int, default=None, help=t("help.class_jobs")),
                        arg("--shard", metavar="I/N", help=t("help.class_shard")),
                        arg("--resume", action="store_true", help=t("help.class_resume")),
                        arg("--deadline", metavar="WHEN", help=t("help.class_deadline")),
                        arg("--exercises", metavar="04,06", help=t("help.class_exercises")),
                        arg("--points", metavar="FILE", help=t("help.class_points")),
                        arg("--seed", type=int, help=t("help.class_seed")),
                        arg(
                            "--unsandboxed", action="store_true", help=t("help.class_unsandboxed")
                        ),  # fmt: skip
                    ),
                ),
                Command(
                    "merge",
                    t("help.class_merge"),
                    "",
                    (
                        arg("dirs", metavar="DIR", nargs="+", help=t("help.class_merge_dirs")),
                        arg("--out", default="reports/class", help=t("help.class_out")),
                    ),
                ),
            ),
        ),
    )


def parser(table: tuple[Command, ...] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``table`` (default: ``commands()``): a subparser per command."""
    p = argparse.ArgumentParser(prog="gevent-lab", description=t("help.description"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in table or commands():
        _add(sub, command)
    return p


def _add(sub: argparse._SubParsersAction, command: Command) -> None:
    """``command``'s sub-parser, with its arguments, and its verbs' own sub-parsers."""
    cp = sub.add_parser(command.name, help=command.help)
    groups: dict[str, Any] = {}
    for a in command.args:
        if a.exclusive and a.exclusive not in groups:
            groups[a.exclusive] = cp.add_mutually_exclusive_group()
        (groups[a.exclusive] if a.exclusive else cp).add_argument(*a.flags, **a.options)
    if command.verbs:
        verbs = cp.add_subparsers(dest=f"{command.name}_command", required=True, metavar="VERB")
        for verb in command.verbs:
            _add(verbs, verb)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # cleanup code runs as for Ctrl-C: the lab is put back, then exit


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from lab import argparse_lang
    from lab.i18n import lang

    argparse_lang.install(lang())  # argparse's own words ("usage:", errors) too
    table = {command.name: command for command in commands()}
    args = parser(tuple(table.values())).parse_args(argv)
    args.argv = argv[1:]  # the command's own arguments (`ui` starts itself again with them)
    # A closed terminal (SIGHUP) or a polite kill (SIGTERM) must not leave a grading's lab,
    # latency or processes behind: both unwind like Ctrl-C.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _interrupted)
    try:
        return table[args.command].handler()(args)
    except LabError as e:
        print(t("err.error", error=e), file=sys.stderr)
        return 1
    except SystemExit as e:  # the grader's NoLab: its message says what to do
        if isinstance(e.code, str):
            print(t("err.error", error=e.code), file=sys.stderr)
            return 1
        raise
    except KeyboardInterrupt:
        print(t("err.interrupted"), file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("LAB_DEBUG"):
            raise
        print(t("err.unexpected", kind=type(e).__name__, error=e), file=sys.stderr)
        return 1
