"""The learner's process: started fresh for each exercise, watched from outside, stopped.

``Learner.start(...)`` starts ``python -m lab.grading.inside`` at once (its interpreter
starts while the grader sets the lab up), in its own process group, with the lab's
``LAB_*`` variables but not the port behind the proxy; ``run(case)`` hands the case over
on stdin and waits for the process, at most the exercise's time limit. Meanwhile:

- a thread reads the channel (lab.grading.events); when a timed call ends, the runner waits
  for the grader's word and ``at_end`` looks at the process standing still: the sockets it
  holds and the answers it has not read (lab.grading.sockets); then the grader lets it go on;
- a thread counts the process's OS threads every 2 ms from /proc, and, when the kernel could
  not be asked to forbid new processes (lab.grading.inside.noprocs), notes its children
  every 10 ms;
- a thread keeps the last 64 KiB of what it printed.

At the end the process group is killed, and processes it left (even detached ones) are
found and killed (lab.grading.containment).
"""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab import processes, sandbox
from lab.config import REPO_ROOT, LabConfig
from lab.grading import containment, events, phases, sockets
from lab.i18n import lang, t

CHILDREN_EVERY = 5  # thread samples per look for children (psutil scans every process)
OUTPUT_KEEP_BYTES = 64 * 1024  # of the learner's output, kept in memory (the last part)
SETTLE_S = 0.03  # at the end of a call: time for the lab to see closes sent just before


@dataclass
class AtEnd:
    """The learner's process when a timed call had returned (grader clock)."""

    span: str
    at: float  # when the "end" arrived
    released: float  # when the grader let the process go on
    held: list[sockets.Sock]  # the lab connections it held at ``at``
    unread: list[sockets.Sock]  # of those, with bytes nobody read (after SETTLE_S)


@dataclass
class RunResult:
    """What came back from the learner's process."""

    calls: events.Calls
    output: str  # the last OUTPUT_KEEP_BYTES of its stdout+stderr
    output_bytes: int  # how much it printed in all
    timed_out: bool
    returncode: int | None
    threads: list[tuple[float, int]]  # (grader's clock, OS threads of the learner's process)
    children: list[containment.Leftover]  # processes seen while it ran (no filter: sampled)
    leftovers: list[containment.Leftover]  # processes it left running, killed since
    at_end: dict[str, AtEnd] = field(default_factory=dict)
    driven: Any = None  # what the check's ``drive`` measured, if it has one


class _Watch:
    """Counts the learner process's OS threads (and, unless told not to, notes its
    children) from outside, every few ms."""

    INTERVAL_S = 0.002

    def __init__(self, pid: int):
        self.pid, self._stop = pid, threading.Event()
        self.samples: list[tuple[float, int]] = []
        self.children: dict[int, str] = {}
        self.look_for_children = True
        self.thread = threading.Thread(target=self._poll, name="learner-watch", daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        tasks = f"/proc/{self.pid}/task"
        while not self._stop.is_set():
            try:
                threads = os.listdir(tasks)
            except OSError:
                return
            self.samples.append((time.monotonic(), len(threads)))
            if self.look_for_children and len(self.samples) % CHILDREN_EVERY == 0:
                self._children()
            self._stop.wait(self.INTERVAL_S)

    def _children(self) -> None:
        for pid in processes.children(self.pid) - set(self.children):
            self.children[pid] = containment.command(pid)

    def stop(self) -> list[tuple[float, int]]:
        self._stop.set()
        self.thread.join(1)
        return self.samples


class _Output:
    """Reads a pipe in a thread, keeping only the last ``keep`` bytes and the total size."""

    def __init__(self, pipe, keep: int = OUTPUT_KEEP_BYTES):
        self.pipe, self.keep, self.size, self.tail = pipe, keep, 0, b""
        self.thread = threading.Thread(target=self._read, name="learner-output", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := self.pipe.read1(65536):
            self.size += len(chunk)
            self.tail = (self.tail + chunk)[-self.keep :]

    def text(self) -> str:
        self.thread.join(5)
        text = self.tail.decode(errors="replace")
        if self.size > self.keep:
            text = t("output.cut", size=f"{self.size:,}", keep=f"{self.keep:,}") + "\n" + text
        return text


def _end(pid: int) -> None:
    """SIGKILL ``pid`` and collect it if it is (or becomes, re-parented) our child."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # not ours (yet): its parent collects it
            if not processes.is_running(pid):
                return
        time.sleep(0.002)


def _wait(proc: subprocess.Popen, timeout: float) -> int:
    """``proc.wait(timeout)``, told of the exit by the kernel (a pidfd) at once: Popen's own
    wait with a timeout polls, at intervals that grow to 50 ms."""
    if proc.returncode is not None:  # collected: its pid may belong to another process now
        return proc.returncode
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux 5.3+
        return proc.wait(timeout)
    try:
        exited = select.poll()
        exited.register(pidfd, select.POLLIN)
        if not exited.poll(timeout * 1000):
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(pidfd)
    return proc.wait()


def learner_env(cfg: LabConfig) -> dict[str, str]:
    """The learner's process's environment: the lab's addresses, not the port behind the
    proxy (only the proxy dials it)."""
    env = {**os.environ, **cfg.to_env(), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("LAB_HTTPBIN_PROXIED_PORT", None)
    # gevent's default resolver runs look-ups in a pool of OS threads; the blocking one runs
    # none, so every thread seen during the call is the learner's (the lab's addresses are
    # numeric: nothing waits). use_lab_dns() still switches ex07 to c-ares, which has none.
    env["GEVENT_RESOLVER"] = "block"
    env["LAB_LANG"] = lang()  # failure reasons built in the learner's process speak it too
    return env


# The learner's runner goes through lab.sandbox when LAB_SANDBOX says so (a class box sets
# it: lab.classroom.box): its own uid, a read-only view, its own PID namespace, limits.
CONFINES_LEARNER = True


def confinement(file: str, time_limit: float, status_fd: int) -> list[str]:
    """The argv prefix that confines the learner's runner (``LAB_SANDBOX=bwrap``): the
    grader's network (its lab), the learner's folder read-only, its own uid and limits."""
    return sandbox.prefix(
        sandbox.Confinement(
            read_only=(Path(file).resolve().parent,),
            net="inherit",
            uid=sandbox.uid_from_env(),
            limits=sandbox.Limits(processes=64, cpu_seconds=int(time_limit) + 5),
            status_fd=status_fd,
            chdir=REPO_ROOT,
        )
    )


class Learner:
    """One run of the learner's code (see the module docstring)."""

    def __init__(
        self,
        cfg: LabConfig,
        file: str,
        check_module: str,
        switches: bool = False,
        time_limit: float = 60.0,
    ):
        marks = containment.marks()
        self.marker = marks[containment.MARK]
        env = {**learner_env(cfg), **marks}
        containment.become_subreaper()
        cmd = [sys.executable, "-m", "lab.grading.inside", "--file", file,
               "--check", check_module, *(["--switches"] if switches else [])]  # fmt: skip
        read_fd, self._write_fd = os.pipe()
        self._word_read, self._word_write = os.pipe()
        self.listener = events.Listener(read_fd, secrets.token_hex(16), self._on_event)
        self.at_end: dict[str, AtEnd] = {}
        self.lab_ports: set[int] = set()
        self.on_begin: Callable[[], Any] | None = None  # the check's drive, if it has one
        self.driven: Any = None
        self._stopped = False
        self.leftovers: list[containment.Leftover] = []
        self.listener.start()
        status = sandbox.StatusPipe() if sandbox.mode_from_env() == "bwrap" else None
        prefix = confinement(file, time_limit, status.write_fd) if status else []
        extra = (status.write_fd,) if status else ()
        try:
            self.proc = subprocess.Popen(
                prefix + cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(self._write_fd, self._word_read, *extra),
                start_new_session=True, preexec_fn=containment.die_with_parent,
            )  # fmt: skip
        finally:
            os.close(self._write_fd)  # the runner holds the only write end now
            os.close(self._word_read)
        # The learner's python: the command itself, or under the sandbox's first process
        self.pid, self._sandboxed = self.proc.pid, None
        if status is not None:
            status.close_writer()
            self._sandboxed = status.child_pid()  # the sandbox's first process: its PID 1
            self.pid = (sandbox.command_pid(self._sandboxed) if self._sandboxed else None) or (
                self.proc.pid
            )
        # Open until bwrap ends: it writes its exit status there last (a closed pipe killed
        # it with SIGPIPE, and the learner's own end, e.g. SIGSYS for a fork, was lost).
        self._status = status
        self.output = _Output(self.proc.stdout)
        self.watch = _Watch(self.pid)

    # -- while it runs ------------------------------------------------------------------
    def _on_event(self, event: events.Event) -> None:
        if event.name in ("ready", "result"):
            phases.mark(f"learner's {event.name}")
        if event.name == "ready" and event.data.get("forbidden") is True:
            self.watch.look_for_children = False  # the kernel kills a fork: no need to look
        elif event.name == "begin" and self.on_begin is not None:
            threading.Thread(target=self._drive, name="grader-drive", daemon=True).start()
        elif event.name == "end":
            self.at_end[str(event.data.get("span"))] = self._look(event)
            self._word(b"g")

    def _drive(self) -> None:
        """Run the check's own clients against the learner's server, then tell it to stop."""
        try:
            assert self.on_begin is not None
            self.driven = self.on_begin()
        except Exception as exc:  # a bug of ours: the check's verify will say so
            self.driven = exc
        self._word(b"s")

    def _look(self, event: events.Event) -> AtEnd:
        """The process, standing still after its call returned (see the module docstring)."""
        held = [s for s in sockets.held(self.pid) if s.remote[1] in self.lab_ports]
        if not held:  # nothing of the lab's in its hands: nothing to wait for
            return AtEnd(str(event.data.get("span")), event.at, time.monotonic(), [], [])
        time.sleep(SETTLE_S)
        again = {(s.proto, s.local): s for s in sockets.held(self.pid)}
        unread = [again[(s.proto, s.local)] for s in held if (s.proto, s.local) in again]
        return AtEnd(
            str(event.data.get("span")),
            event.at,
            time.monotonic(),
            held,
            [s for s in unread if s.unread > 0],
        )

    def _word(self, byte: bytes) -> None:
        try:
            os.write(self._word_write, byte)
        except OSError:
            pass

    # -- the run --------------------------------------------------------------------------
    def run(self, case: dict, time_limit: float) -> RunResult:
        """Hand ``case`` over, wait at most ``time_limit`` seconds, stop everything."""
        handover = {"case": case, "fd": self._write_fd, "word_fd": self._word_read,
                    "token": self.listener.token}  # fmt: skip
        self.known = containment.children() - {self.proc.pid}  # e.g. the grader's Toxiproxy
        timed_out = False
        try:
            assert self.proc.stdin is not None
            with self.proc.stdin:
                self.proc.stdin.write(json.dumps(handover).encode())
            phases.mark("handed over")
            _wait(self.proc, time_limit)
        except subprocess.TimeoutExpired:
            timed_out = True
        except BrokenPipeError:
            _wait(self.proc, time_limit)
        finally:
            samples = self.watch.stop()
            self._stop()
        self.listener.join()
        return RunResult(
            events.read(self.listener.events),
            self.output.text(),
            self.output.size,
            timed_out,
            self._exit_status(),
            samples,
            [containment.Leftover(pid, cmd) for pid, cmd in sorted(self.watch.children.items())],
            self.leftovers,
            self.at_end,
            self.driven,
        )

    def _exit_status(self) -> int | None:
        """The learner's python's exit status, as subprocess says it (-N: signal N); under
        bwrap, whose init passes a signal on as the status 128 + N, the same."""
        code = self.proc.returncode
        if self._status is not None and code is not None and 128 < code <= 128 + 64:
            return -(code - 128)
        return code

    def abandon(self) -> None:
        """Stop it if it was never run (the lab could not be set up); else nothing."""
        if self._stopped:
            return
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        self.watch.stop()
        self._stop()
        self.listener.join(1)

    def _stop(self) -> None:
        self._stopped = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._sandboxed:  # its PID 1: killing it ends everything in its namespace, now
            _end(self._sandboxed)
        self.proc.wait()
        if self._status is not None:
            self._status.close()
        os.close(self._word_write)
        known = getattr(self, "known", None)
        if known is None:  # never handed over: only what carries its marker is its own
            known = containment.children()
        self.leftovers = containment.reap(self.marker, known)
