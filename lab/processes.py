"""Detached service processes: starting, finding and stopping them.

Each process runs in its own session (so a Ctrl-C in the learner's terminal does not reach
it, and ``stop`` can signal its whole process group) and writes to
``<state>/logs/<name>.log``. Two things identify it as the lab's:

- ``LAB_INSTANCE=<absolute state dir>`` in its environment: this is how ``running`` finds
  the services of a lab even when its state dir was deleted or its records are corrupt;
- ``<state>/services/<name>.json``, the record of its pid and exact command line. A recorded
  pid is trusted only while that pid still runs that command: pids are reused, and we must
  never signal a stranger. A record that cannot be read (truncated, wrong types) counts as
  missing, with a one-line warning.

Processes are read with psutil. The same functions serve the grader's containment (which
processes carry a marker, a process's children, when a process started).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from lab import atomic, wait
from lab.config import REPO_ROOT
from lab.errors import warn
from lab.i18n import t

STOP_GRACE_S = 5.0  # SIGTERM, then this long before SIGKILL
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MARKER = "LAB_INSTANCE"  # env var naming the state dir of the lab that started a process
SERVICE_MODULE = "services."  # the lab's services run as `python -m services.<name>`

# Popen objects of children started by this process: kept so they are reaped (no zombies
# when the lab runs inside a long-lived process such as pytest) and never garbage-collected
# while running.
_children: dict[int, subprocess.Popen] = {}


@dataclass
class Record:
    """What ``<state>/services/<name>.json`` holds about one started process."""

    name: str
    pid: int
    cmd: list[str]
    log: str
    started_at: float

    def alive(self) -> bool:
        """True while the recorded pid is still *our* process (same command line)."""
        return is_running(self.pid) and cmdline(self.pid) == self.cmd


def state_file(state: Path, name: str) -> Path:
    return state / "services" / f"{name}.json"


def log_file(state: Path, name: str) -> Path:
    return state / "logs" / f"{name}.log"


def marker_value(state: Path) -> str:
    """The ``LAB_INSTANCE`` value of the services of the lab whose state dir is ``state``."""
    return str(Path(os.path.abspath(state)))


def load(state: Path, name: str) -> Record | None:
    """The record of service ``name``; None if there is none or it is unreadable (warned)."""
    path = state_file(state, name)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        warn(t("err.unreadable", path=path, error=type(e).__name__))
        return None
    rec = _record_from(data)
    if rec is None:
        warn(t("err.not_a_record", path=path))
    return rec


def _record_from(data: object) -> Record | None:
    """A Record from parsed JSON, or None unless every field has the right type."""
    if not isinstance(data, dict):
        return None
    ok = (
        isinstance(data.get("name"), str)
        and type(data.get("pid")) is int
        and data["pid"] > 0
        and isinstance(data.get("cmd"), list)
        and all(isinstance(part, str) for part in data["cmd"])
        and isinstance(data.get("log"), str)
        and type(data.get("started_at")) in (int, float)
    )
    if not ok:
        return None
    return Record(data["name"], data["pid"], data["cmd"], data["log"], float(data["started_at"]))


def recorded(state: Path) -> list[Record]:
    """Every readable service record in ``state``."""
    folder = state / "services"
    names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
    return [r for r in (load(state, n) for n in names) if r]


def remember(state: Path, rec: Record) -> None:
    """Write ``rec`` as the record of its service."""
    atomic.write_json(state_file(state, rec.name), asdict(rec))


def running(state: Path) -> dict[str, Record]:
    """The live services of the lab in ``state``, by name: marked ones, then recorded ones.

    A service found only through its marker gets a Record rebuilt from the process.
    """
    found: dict[str, Record] = {}
    for pid, name, _ in marked_processes(marker_value(state), exact=True):
        found.setdefault(name, Record(name, pid, cmdline(pid), str(log_file(state, name)), 0.0))
    for rec in recorded(state):
        if rec.name not in found and rec.alive():
            found[rec.name] = rec
    return found


def marked_processes(marker: str, exact: bool) -> Iterator[tuple[int, str, str]]:
    """(pid, service name, marker) of each lab service whose ``LAB_INSTANCE`` is ``marker``
    (or, unless ``exact``, a path under it). Only group leaders: a service's own children
    share its marker and die with its group. Only in this network namespace: a lab in
    another one (a class grading's box, whose state has the same path as every other box's)
    is another lab, on ports that are not ours."""
    here = net_namespace(os.getpid())
    for pid, env in marked(MARKER).items():
        value = env[MARKER]
        if not (value == marker or (not exact and _under(value, marker))):
            continue
        if here and net_namespace(pid) not in (here, ""):
            continue
        name = service_name(cmdline(pid))
        if name and _is_group_leader(pid) and is_running(pid):
            yield pid, name, value


def net_namespace(pid: int) -> str:
    """The network namespace of ``pid`` ("net:[4026531840]"), "" when it cannot be read."""
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


def marked(*names: str) -> dict[int, dict[str, str]]:
    """The processes (but this one) whose environment has any of the variables ``names``:
    pid -> {name: value} of those it has. Processes we may not read are left out."""
    found: dict[int, dict[str, str]] = {}
    for proc in psutil.process_iter(["environ"]):
        env = proc.info["environ"] or {}
        values = {name: env[name] for name in names if name in env}
        if values and proc.pid != os.getpid():
            found[proc.pid] = values
    return found


def service_name(cmd: list[str]) -> str | None:
    """ "dns" for ``python -m services.dns ...``; None for any other command."""
    if "-m" in cmd[:-1]:
        module = cmd[cmd.index("-m") + 1]
        if module.startswith(SERVICE_MODULE):
            return module.removeprefix(SERVICE_MODULE)
    return None


def environ(pid: int) -> dict[str, str]:
    """The environment ``pid`` started with ({} if we may not read it)."""
    try:
        return psutil.Process(pid).environ()
    except psutil.Error:
        return {}


def spawn(state: Path, name: str, cmd: list[str], env: dict[str, str]) -> Record:
    """Start ``cmd`` detached from us, marked as ``state``'s, logging to its log file; record it."""
    log = log_file(state, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env={**env, MARKER: marker_value(state)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    rec = Record(name=name, pid=proc.pid, cmd=cmd, log=str(log), started_at=time.time())
    remember(state, rec)
    return rec


def stop(state: Path, rec: Record, grace: float = STOP_GRACE_S) -> bool:
    """Stop ``rec``'s process group (SIGTERM, then SIGKILL) and forget it.

    Returns True if a process of ours was running. A pid that is no longer ours is not
    signalled, only forgotten.
    """
    was_ours = rec.alive()
    if was_ours:
        stop_group(rec.pid, grace)
    state_file(state, rec.name).unlink(missing_ok=True)
    return was_ours


def stop_group(pid: int, grace: float = STOP_GRACE_S) -> None:
    """SIGTERM the process group led by ``pid`` (SIGCONT too, in case it is stopped), then
    SIGKILL it if it is still there after ``grace`` seconds."""
    _signal_group(pid, signal.SIGTERM)
    _signal_group(pid, signal.SIGCONT)  # a stopped process only acts on SIGTERM once resumed
    if not _wait_gone(pid, grace):
        _signal_group(pid, signal.SIGKILL)
        _wait_gone(pid, 2.0)


def python_command(module: str, *args: str) -> list[str]:
    """``python -m module args`` with the interpreter running the lab."""
    return [sys.executable, "-m", module, *args]


def is_running(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie (reaping it if it is our dead child)."""
    proc = _children.get(pid)
    if proc is not None and proc.poll() is not None:
        del _children[pid]
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.AccessDenied:
        return True
    except psutil.Error:
        return False


def is_stopped(pid: int) -> bool:
    """True if ``pid`` is stopped (SIGSTOP, or a debugger): it runs, but cannot answer."""
    try:
        status = psutil.Process(pid).status()
    except psutil.Error:
        return False
    return status in (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP)


def start_time(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks after boot (None if gone): with the pid, this
    names one process for good, as pids are reused.

    Not psutil's ``create_time()`` itself: it adds the boot time as the wall clock sees it
    now, which moves when the clock is set (psutil issue 2526); taking that boot time off
    again gives the kernel's own count, which never changes.
    """
    try:
        since_boot = psutil.Process(pid).create_time() - psutil.boot_time()
    except psutil.Error:
        return None
    return round(since_boot * CLOCK_TICKS)


def alive_since(pid: int, started: int) -> bool:
    """True while ``pid`` runs and is the process that started at ``started`` (ticks)."""
    return start_time(pid) == started and is_running(pid)


def cmdline(pid: int) -> list[str]:
    """The command line of ``pid`` ([] if it is gone or unreadable)."""
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


def command(pid: int) -> str:
    """The command line of ``pid`` as one string ("" if it is gone or unreadable)."""
    return " ".join(cmdline(pid))


def children(pid: int | None = None) -> set[int]:
    """The pids of the children of ``pid`` (default: this process) right now."""
    try:
        return {child.pid for child in psutil.Process(pid).children()}
    except psutil.Error:
        return set()


def _under(path: str, parent: str) -> bool:
    return path.startswith(parent.rstrip("/") + "/")


def _is_group_leader(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def _signal_group(pid: int, sig: int) -> None:
    # The service is its session's leader, so its pgid is its pid: this reaches anything
    # it forked too.
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(pid: int, timeout: float) -> bool:
    return wait.until(lambda: not is_running(pid), timeout, interval=0.05)
