"""``gevent-lab`` (``python -m lab``): the one command line of the lab; make wraps it.

Lab commands: up, down, status, latency, run. Learner commands: check, hint, watch, reset,
trace (lab.grading.commands).

Every command reads the config from the environment and ``.env`` (lab.config). Errors are
one sentence and what to do next, never a traceback (``LAB_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

from rich.console import Console
from rich.table import Table

from lab import config, lifecycle
from lab.classroom import cli as classroom
from lab.control import LabControl, parse_ms
from lab.errors import LabError
from lab.grading import commands as learner
from lab.i18n import t
from lab.runner import run_exercise

# Wide enough for the status table when the output is a file or a pipe (make, tests).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def cmd_up(cfg: config.LabConfig, args: argparse.Namespace) -> int:
    from lab.grading import repair

    repair.repair(lifecycle.active(cfg)[0], say=console.print)  # what a killed check left
    report = lifecycle.up(cfg)
    console.print(t("cli.backend", backend=f"[bold]{report.backend}[/]") + f" ({report.reason})")
    addresses = lifecycle.service_addresses(cfg)
    table = Table(*(t(f"cli.col.{c}") for c in ("service", "address", "pid", "state")))
    for name, info in report.services.items():
        table.add_row(name, addresses[name], str(info.pid or "-"), info.action)
    console.print(table)
    adopted = [name for name, info in report.services.items() if info.action == "adopted"]
    if adopted:
        console.print(t("cli.adopted", names=", ".join(adopted), state=cfg.state_path))
    applied = [
        f"{what} {ms} ms"
        for what, ms in (
            (t("cli.httpbin_proxy"), report.http_latency_ms),
            (t("cli.dns_answers"), report.dns_latency_ms),
        )
        if ms is not None
    ]
    if applied:
        console.print(t("cli.latency_applied", applied=", ".join(applied)))
    else:
        console.print(t("cli.already_running"))
    steps = [
        (f"curl {cfg.httpbin_url}/get", t("cli.next.curl")),
        ("make latency MS=250", t("cli.next.latency")),
        ("make run EX=01", t("cli.next.run")),
        ("make lab-status", t("cli.next.status")),
    ]
    width = max(len(cmd) for cmd, _ in steps)
    lines = (f"  {cmd:<{width}}  # {why}" for cmd, why in steps)
    console.print("\n" + t("cli.next") + "\n" + "\n".join(lines))
    return 0


def cmd_down(cfg: config.LabConfig, args: argparse.Namespace) -> int:
    report = lifecycle.down(cfg)
    stopped = [name for name, was in report.stopped.items() if was]
    console.print(t("cli.stopped", names=", ".join(stopped)) if stopped else t("cli.nothing"))
    for folder in report.orphans_cleaned:
        console.print(t("cli.orphan_cleaned", folder=folder))
    for held in report.still_listening:
        by = t("cli.held_by", holder=held.holder) if held.holder else ""
        console.print(
            f"[yellow]{t('err.warning_label')}[/] "
            + t("cli.still_held", port=held.port, proto=held.proto, env=held.env, by=by)
        )
    return 0


def cmd_status(cfg: config.LabConfig, args: argparse.Namespace) -> int:
    report = lifecycle.status(cfg)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        return 0 if report.ok else 1
    console.print(t("cli.backend", backend=f"[bold]{report.backend}[/]"))
    # Docker backend: a column with each container's state and health (docker SDK).
    containers = report.backend == "docker"
    columns = ["service", "address", "pid", "answers", "detail"] + (
        ["container"] if containers else []
    )
    table = Table(*(t(f"cli.col.{c}") for c in columns))
    for name, s in report.services.items():
        mark = f"[green]{t('cli.yes')}[/]" if s.answers else f"[red]{t('cli.no')}[/]"
        container = (
            [f"{s.state}, {s.health or 'no healthcheck'}" if s.container else s.state or "absent"]
            if containers
            else []
        )
        table.add_row(name, s.address, str(s.pid or "-"), mark, s.detail, *container)
    console.print(table)
    _print_latency(report.proxies, report.dns_delay_ms)
    silent = [n for n, s in report.services.items() if not s.answers]
    hung = [
        f"{n} (pid {s.pid})" if s.pid else n
        for n, s in report.services.items()
        if n in silent and s.running
    ]
    if hung:
        console.print(t("cli.hung", names=", ".join(hung)))
    elif silent:
        console.print(t("cli.silent", names=", ".join(silent), logs=cfg.state_path / "logs"))
    return 0 if report.ok else 1


def cmd_latency(cfg: config.LabConfig, args: argparse.Namespace) -> int:
    if args.ms is None:
        raise LabError(t("cli.how_much"), t("cli.how_much_hint"))
    ms = parse_ms(args.ms)
    jitter = parse_ms(args.jitter, "jitter")
    target, _ = lifecycle.active(cfg)
    lab = LabControl(target)
    if not args.dns_only:
        lab.set_latency(ms, jitter)
    if not args.http_only:
        lab.set_dns_delay(ms)
    _print_latency(lab.proxies_or_none(), lab.dns_delay_or_none())
    return 0


def cmd_run(cfg: config.LabConfig, args: argparse.Namespace) -> int:
    target, _ = lifecycle.active(cfg)
    return run_exercise(target, args.exercise)


def _print_latency(proxies: dict | None, dns_delay: int | None) -> None:
    if proxies is None:
        console.print(t("cli.toxics_unknown"))
    for name, proxy in sorted((proxies or {}).items()):
        toxics = proxy.get("toxics") or []
        described = "; ".join(
            f"{tx['type']} {tx['stream']} "
            + " ".join(f"{k}={v}" for k, v in tx.get("attributes", {}).items())
            + (f" toxicity={tx['toxicity']}" if tx.get("toxicity", 1) != 1 else "")
            for tx in toxics
        ) or t("cli.no_toxics")
        state = "" if proxy.get("enabled", True) else t("cli.disabled")
        line = t("cli.proxy", name=name, listen=proxy["listen"], upstream=proxy["upstream"])
        console.print(f"{line}{state}: {described}")
    delay = t("cli.dns_unknown") if dns_delay is None else f"{dns_delay} ms"
    console.print(t("cli.dns_delay", delay=delay))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gevent-lab", description=t("help.description"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("up", help=t("help.up"))
    sub.add_parser("down", help=t("help.down"))
    st = sub.add_parser("status", help=t("help.status"))
    st.add_argument("--json", action="store_true", help=t("help.json"))
    lat = sub.add_parser("latency", help=t("help.latency"))
    lat.add_argument("ms", metavar="MS", nargs="?", help=t("help.ms"))
    lat.add_argument("--jitter", default="0", metavar="MS", help=t("help.jitter"))
    only = lat.add_mutually_exclusive_group()
    only.add_argument("--dns-only", action="store_true", help=t("help.dns_only"))
    only.add_argument("--http-only", action="store_true", help=t("help.http_only"))
    run = sub.add_parser("run", help=t("help.run"))
    run.add_argument("exercise", metavar="EX", nargs="?", default="", help=t("help.ex_or"))
    learner.add_parsers(sub)
    classroom.add_parser(sub)  # gevent-lab class grade|merge (lab/classroom)
    return p


COMMANDS = {
    "up": cmd_up,
    "down": cmd_down,
    "status": cmd_status,
    "latency": cmd_latency,
    "run": cmd_run,
}


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # cleanup code runs as for Ctrl-C: the lab is put back, then exit


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # A closed terminal (SIGHUP) or a polite kill (SIGTERM) must not leave a grading's lab,
    # latency or processes behind: both unwind like Ctrl-C.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _interrupted)
    try:
        if args.command in learner.COMMANDS:
            return learner.COMMANDS[args.command](args)
        if args.command == "class":
            return classroom.command(args)
        cfg = config.load()
        return COMMANDS[args.command](cfg, args)
    except LabError as e:
        print(t("err.error", error=e), file=sys.stderr)
        return 1
    except SystemExit as e:  # config.load's messages
        if isinstance(e.code, str):
            print(t("err.error", error=f"{e.code}.\n  {t('err.config.fix')}"), file=sys.stderr)
            return 1
        raise
    except KeyboardInterrupt:
        print(t("err.interrupted"), file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("LAB_DEBUG"):
            raise
        print(
            t("err.unexpected", kind=type(e).__name__, error=e),
            file=sys.stderr,
        )
        return 1
