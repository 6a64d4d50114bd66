"""The lab commands of ``gevent-lab``: up, down, status, latency, run.

Each ``cmd_*`` takes the parsed arguments (lab.cli's one command table) and returns the exit
status; it reads the config from the environment and ``.env`` (lab.config) and only
presents what lab.lifecycle and lab.control report.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from lab import config, lifecycle
from lab.control import LabControl, parse_ms
from lab.errors import LabError
from lab.i18n import t

# Wide enough for the status table when the output is a file or a pipe (make, tests).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def cmd_up(args: argparse.Namespace) -> int:
    from lab.grading import repair

    cfg = config.load()
    repair.repair(lifecycle.active(cfg)[0], say=console.print)  # what a killed check left
    report = lifecycle.up(cfg)
    console.print(t("cli.backend", backend=f"[bold]{report.backend}[/]") + f" ({report.reason})")
    addresses = lifecycle.service_addresses(cfg)
    table = Table(*(t(f"cli.col.{c}") for c in ("service", "address", "pid", "state")))
    for name, info in report.services.items():
        table.add_row(name, addresses[name], str(info.pid or "-"), t(f"cli.action.{info.action}"))
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


def cmd_down(args: argparse.Namespace) -> int:
    cfg = config.load()
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


def cmd_status(args: argparse.Namespace) -> int:
    cfg = config.load()
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


def cmd_latency(args: argparse.Namespace) -> int:
    if args.ms is None:
        raise LabError(t("cli.how_much"), t("cli.how_much_hint"))
    ms = parse_ms(args.ms)
    jitter = parse_ms(args.jitter, "jitter")
    target, _ = lifecycle.active(config.load())
    lab = LabControl(target)
    if not args.dns_only:
        lab.set_latency(ms, jitter)
    if not args.http_only:
        lab.set_dns_delay(ms)
    _print_latency(lab.proxies_or_none(), lab.dns_delay_or_none())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from lab.runner import run_exercise

    target, _ = lifecycle.active(config.load())
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
