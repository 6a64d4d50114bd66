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
through lab.processes (psutil); prctl is Linux only, elsewhere a run is contained by its
process group alone.
"""

from __future__ import annotations

import ctypes
import os
import signal
from dataclasses import dataclass

from lab import processes

MARK = "LAB_GRADER"  # on the learner's processes
OWN_MARK = "LAB_GRADER_SERVER"  # on the grader's own helpers (its private Toxiproxy)
NAMESPACE = "LAB_GRADER_PIDNS"  # the PID namespace of the grader that marked it
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


def _pid_namespace() -> str:
    """This process's PID namespace ("4026531836"; "" where there are none): a pid means
    something only inside the namespace that gave it."""
    try:
        return os.readlink("/proc/self/ns/pid").partition("[")[2].rstrip("]")
    except OSError:
        return ""


def mark() -> str:
    """This grader's marker value: its pid and start time (ticks after boot)."""
    return f"{os.getpid()}:{processes.start_time(os.getpid())}"


def marks() -> dict[str, str]:
    """The variables that mark a process as this grader's (``MARK``'s value, and the PID
    namespace its pid means something in)."""
    return {MARK: mark(), NAMESPACE: _pid_namespace()}


def become_subreaper() -> None:
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """For ``preexec_fn``: the child is killed when the grader dies, however it dies."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def command(pid: int) -> str:
    """The process's command line, or "?"."""
    return processes.command(pid) or "?"


def children() -> set[int]:
    """This process's children right now."""
    return processes.children()


def marked(value: str) -> list[int]:
    """Processes whose environment carries ``LAB_GRADER=value``."""
    return [pid for pid, env in processes.marked(MARK).items() if env.get(MARK) == value]


def reap(value: str, known_children: set[int]) -> list[Leftover]:
    """Kill what a run left: processes marked ``value``, and children of ours (orphans
    re-parented to this subreaper) that were not there before it."""
    found = set(marked(value)) | (children() - known_children)
    return _kill(found)


def stale() -> list[Leftover]:
    """Kill processes marked by a grader that is no longer running. A grader in another PID
    namespace (a class grading's sandbox) cannot be looked up from here: its processes are
    never killed from outside."""
    here = _pid_namespace()
    dead = [
        pid
        for pid, env in processes.marked(MARK, OWN_MARK).items()
        if env.get(NAMESPACE, here) == here and not alive(env.get(MARK) or env.get(OWN_MARK) or "")
    ]
    return _kill(set(dead))


def alive(value: str) -> bool:
    """Whether the grader that wrote marker ``value`` (in this PID namespace) still runs."""
    pid, _, started = value.partition(":")
    return pid.isdigit() and started.isdigit() and processes.alive_since(int(pid), int(started))


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
