"""Nothing a learner's exercise starts outlives its grading, and nothing a killed grader
leaves behind outlives the next one.

- Every process of a grading run carries ``LAB_GRADER=<grader pid>:<its start time>`` in its
  environment (the grader's own Toxiproxy ``LAB_GRADER_SERVER``), and the runner and that
  Toxiproxy die with the grader (``PR_SET_PDEATHSIG``).
- The grader is a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process the exercise
  detaches (``start_new_session=True``, a double fork) becomes the grader's child instead of
  init's, so it is found even when it dropped the marker from its environment.
- After each run, both kinds of leftovers are killed and reported (``reap``); at the start of
  a grading, or of ``gevent-lab up``, processes marked by a grader that no longer runs are
  killed (``stale``), and the lab settings it had changed are put back (lab.grading.repair).

(The runner also forbids new processes to the learner's code outright, when the kernel
allows it: lab.grading.inside.noprocs. What is here catches the rest.) Processes are read
with psutil; prctl is Linux only, elsewhere a run is contained by its process group alone.
"""

from __future__ import annotations

import ctypes
import os
import signal
from dataclasses import dataclass

import psutil

MARK = "LAB_GRADER"  # on the learner's processes
OWN_MARK = "LAB_GRADER_SERVER"  # on the grader's own helpers (its private Toxiproxy)
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Leftover:
    """A process found after (or during) a run, and what it was running."""

    pid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid}: {self.command[:80]}"


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat, the
    one exact value psutil rounds into a float): with the pid, it names a process even after
    the pid is reused, in every grader's marker alike."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rpartition(")")[2].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def mark() -> str:
    """This grader's marker value."""
    return f"{os.getpid()}:{start_time(os.getpid())}"


def become_subreaper() -> None:
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """For ``preexec_fn``: the child is killed when the grader dies, however it dies."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def command(pid: int) -> str:
    """The process's command line, or "?"."""
    try:
        return " ".join(psutil.Process(pid).cmdline()) or "?"
    except psutil.Error:
        return "?"


def children() -> set[int]:
    """This process's children right now."""
    return {p.pid for p in psutil.Process().children()}


def marked(value: str) -> list[int]:
    """Processes whose environment carries ``LAB_GRADER=value``."""
    return [p.pid for p in _marked_processes() if p.info["environ"].get(MARK) == value]


def _marked_processes() -> list[psutil.Process]:
    me = os.getpid()
    found = []
    for p in psutil.process_iter(["environ"]):
        if p.pid != me and p.info.get("environ"):
            found.append(p)
    return found


def reap(value: str, known_children: set[int]) -> list[Leftover]:
    """Kill what a run left: processes marked ``value``, and children of ours (orphans
    re-parented to this subreaper) that were not there before it."""
    found = set(marked(value)) | (children() - known_children)
    return _kill(found)


def stale() -> list[Leftover]:
    """Kill processes marked by a grader that is no longer running."""
    dead = []
    for p in _marked_processes():
        env = p.info["environ"]
        value = env.get(MARK) or env.get(OWN_MARK)
        if value and not alive(value):
            dead.append(p.pid)
    return _kill(set(dead))


def alive(value: str) -> bool:
    """Whether the grader that wrote marker ``value`` still runs."""
    pid, _, started = value.partition(":")
    return pid.isdigit() and str(start_time(int(pid))) == started


def _kill(pids: set[int]) -> list[Leftover]:
    left = []
    for pid in sorted(pids):
        what = command(pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue
        left.append(Leftover(pid, what))
    for leftover in left:
        try:  # an orphan re-parented to us is our child: collect it, leave no zombie
            os.waitpid(leftover.pid, 0)
        except ChildProcessError:
            pass
    return left
