"""Detached service processes and the state files that remember them.

Each process runs in its own session (so a Ctrl-C in the learner's terminal does not reach
it, and ``down`` can signal its whole process group), writes to ``<state>/logs/<name>.log``
and is remembered in ``<state>/services/<name>.json`` with its pid and exact command line.
A recorded pid is trusted only while ``/proc/<pid>/cmdline`` still shows that command: pids
are reused, and we must never signal a stranger.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lab.config import REPO_ROOT

STOP_GRACE_S = 5.0  # SIGTERM, then this long before SIGKILL

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
        return is_running(self.pid) and _cmdline(self.pid) == self.cmd


def state_file(state: Path, name: str) -> Path:
    return state / "services" / f"{name}.json"


def log_file(state: Path, name: str) -> Path:
    return state / "logs" / f"{name}.log"


def load(state: Path, name: str) -> Record | None:
    """The record of service ``name``, or None (no file, or a file we cannot read)."""
    try:
        return Record(**json.loads(state_file(state, name).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def recorded(state: Path) -> list[Record]:
    """Every service record in ``state``."""
    folder = state / "services"
    names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
    return [r for r in (load(state, n) for n in names) if r]


def spawn(state: Path, name: str, cmd: list[str], env: dict[str, str]) -> Record:
    """Start ``cmd`` detached from us, logging to its log file, and record it."""
    log = log_file(state, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    state_file(state, name).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    rec = Record(name=name, pid=proc.pid, cmd=cmd, log=str(log), started_at=time.time())
    state_file(state, name).write_text(json.dumps(asdict(rec), indent=2))
    return rec


def stop(state: Path, rec: Record, grace: float = STOP_GRACE_S) -> bool:
    """Stop ``rec``'s process group (SIGTERM, then SIGKILL) and forget it.

    Returns True if a process of ours was running. A pid that is no longer ours is not
    signalled, only forgotten.
    """
    was_ours = rec.alive()
    if was_ours:
        _signal_group(rec.pid, signal.SIGTERM)
        if not _wait_gone(rec.pid, grace):
            _signal_group(rec.pid, signal.SIGKILL)
            _wait_gone(rec.pid, 2.0)
    state_file(state, rec.name).unlink(missing_ok=True)
    return was_ours


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
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


def _signal_group(pid: int, sig: int) -> None:
    # The service is its session's leader, so its pgid is its pid: this reaches anything
    # it forked too.
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return True
        time.sleep(0.05)
    return not is_running(pid)
