"""Run a command where it cannot touch the grader, the lab, the reports, the teacher's files
or the network: bubblewrap (``bwrap``, Debian's ``bubblewrap`` package) on Linux.

``prefix(Confinement(...))`` is an argv prefix: ``prefix(c) + [python, "-m", ...]`` runs the
command confined. What it gives, each measured by tests/classroom/test_sandbox.py:

- a read-only root; an empty ``/tmp``; the homes (``/root``, ``/home``, ...) and the
  checkout's private folders (``.lab`` with ``grader.key``, ``reports``, ``solutions``,
  ``tests``, ``.git``, ``.env``) hidden; only what Python and the lab need shown again,
  read-only; ``Confinement.read_only`` (the learner's files) and ``writable`` bound as asked;
- its own PID namespace (``--unshare-pid``): everything it starts ends with it, and it ends
  with its parent (``--die-with-parent``); ``--new-session`` (no terminal to inject into);
- its own network namespace with only a loopback (``net="private"``), or its caller's
  (``"inherit"``: the caller is itself in a namespace of its own, as in class grading),
  or the one of a running process (``"/proc/PID/ns/net"``, through ``nsenter``, root);
- a uid other than the grader's: as root, bwrap makes the namespaces and mounts, then
  ``setpriv`` inside switches to ``Confinement.uid`` with no capabilities and none to
  regain, so the kernel sees that uid (files mode 0600 of the grader's stay unreadable).
  Note: bwrap's own ``--unshare-user --uid N`` run as root only *shows* uid N: the kernel
  still sees root, who reads those files. Not root: an unprivileged user namespace, and
  the caller's own uid;
- limits (``prlimit``): processes of that uid (a fork bomb stops
  there), address space and CPU seconds per process, open files, the size of a file it
  writes (``--fsize``) and of its ``/tmp``.

Inherited descriptors (``pass_fds``), stdin and stdout pass through unchanged. bwrap writes
``{"child-pid": N}`` on ``Confinement.status_fd`` (``StatusPipe``): N is the namespace's
first process, and ``command_pid`` finds the command itself under it.

``detect()`` says what this machine offers (bwrap, root, Docker) and proves it by running
a command through the prefix. Docker is only detected: it cannot carry the grader's pipe
into a container, so the lab confines with bwrap.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lab.config import REPO_ROOT

SANDBOX_UID = 10001  # not a user of a usual Linux system (class boxes take theirs from a pool)
# Folders of other people's files: covered by an empty tmpfs inside the sandbox.
MASKED = ("/root", "/home", "/var/tmp", "/mnt", "/media", "/srv", "/run/user")
# The checkout's own folders learner code has no business reading (the grader's key, the
# reference solutions, the project's tests and its history, reports, local settings).
PRIVATE_IN_REPO = (".lab", "reports", "solutions", "tests", ".git", ".env")
MODES = ("bwrap", "docker", "none")  # LAB_SANDBOX's values
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of the confined command (each process, or its uid for processes)."""

    processes: int = 64  # RLIMIT_NPROC: processes and threads of the sandbox's uid
    memory_mb: int = 2048  # RLIMIT_AS: address space of each process
    cpu_seconds: int = 120  # RLIMIT_CPU: CPU time of each process (SIGXCPU, then SIGKILL)
    open_files: int = 1024  # RLIMIT_NOFILE
    file_mb: int = 64  # RLIMIT_FSIZE: the largest file it may write (the disk is shared)
    tmp_mb: int = 256  # the size of its /tmp (memory)

    def prlimit(self) -> list[str]:
        return [
            "prlimit",
            f"--nproc={self.processes}",
            f"--as={self.memory_mb * MIB}",
            f"--cpu={self.cpu_seconds}",
            f"--nofile={self.open_files}",
            f"--fsize={self.file_mb * MIB}",
            "--",
        ]


@dataclass(frozen=True)
class Confinement:
    """What a confined command may see and do (see the module docstring)."""

    # A path is bound where it is; a (source, inside) pair puts source at another path.
    read_only: tuple[Path | tuple[Path, Path], ...] = ()
    writable: tuple[Path | tuple[Path, Path], ...] = ()
    hidden: tuple[Path, ...] = ()
    net: str = "private"  # "private", "inherit" or a /proc/PID/ns/net path
    uid: int = SANDBOX_UID
    limits: Limits = field(default_factory=Limits)
    status_fd: int | None = None  # bwrap's --json-status-fd
    chdir: Path | None = None
    own_proc: bool = True  # bwrap --proc; False: the caller mounts one (see lab.classroom.box)
    pid_namespace: bool = True  # False: see lab.classroom.box, why its box has none yet


def is_root() -> bool:
    return os.geteuid() == 0


def needed_paths() -> list[Path]:
    """What a Python of this lab needs to run: its interpreter's prefixes and the checkout."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), REPO_ROOT}
    paths.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(paths)


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def view_args(c: Confinement) -> list[str]:
    """bwrap's mounts: a read-only root, masked homes, what Python needs, the caller's binds.

    bwrap applies them in order, so a bind inside a masked folder comes after its mask.
    """
    args = ["--ro-bind", "/", "/", "--dev", "/dev"]
    args += ["--proc", "/proc"] if c.own_proc else []
    # Writable by the sandbox's uid, and no larger than its limit (a tmpfs is memory).
    args += ["--perms", "1777", "--size", str(c.limits.tmp_mb * MIB), "--tmpfs", "/tmp"]
    masks = [Path(m) for m in MASKED if Path(m).is_dir()]
    for masked in masks:
        args += ["--tmpfs", str(masked)]
    for need in needed_paths():
        mask = next((m for m in masks if _under(need, m)), None)
        if mask is not None:
            args += _open_path(mask, need) + ["--ro-bind", str(need), str(need)]
    for private in [REPO_ROOT / p for p in PRIVATE_IN_REPO] + list(c.hidden):
        args += _hide(Path(private))
    covered = [*masks, Path("/tmp"), *c.hidden]
    # Outer folders first: a read-only folder inside a writable one stays read-only.
    binds = sorted([(*_pair(p), "--ro-bind") for p in c.read_only]
                   + [(*_pair(p), "--bind") for p in c.writable], key=lambda b: len(b[1].parts))  # fmt: skip
    for source, inside, how in binds:
        mask = next((m for m in covered if m in inside.parents), None)
        args += (_open_path(mask, inside) if mask else []) + [how, str(source), str(inside)]
    return args


def _pair(bind: Path | tuple[Path, Path]) -> tuple[Path, Path]:
    return (Path(bind[0]), Path(bind[1])) if isinstance(bind, tuple) else (Path(bind), Path(bind))


def _open_path(mask: Path, need: Path) -> list[str]:
    """The folders between a mask and a path bound under it, made traversable (bwrap would
    make them mode 0700, closed to the sandbox's uid)."""
    args: list[str] = []
    for folder in reversed(need.parents):
        if mask in folder.parents:
            args += ["--perms", "0755", "--dir", str(folder)]
    return args


def _hide(path: Path) -> list[str]:
    if path.is_dir() and not path.is_symlink():
        return ["--tmpfs", str(path)]
    if path.exists():
        return ["--ro-bind", "/dev/null", str(path)]
    return []


def namespace_args(c: Confinement) -> list[str]:
    args = ["--unshare-pid"] if c.pid_namespace else []
    args += ["--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--die-with-parent", "--new-session"]
    # Not root: an unprivileged user namespace (the kernel sees the caller's uid), no caps.
    # Root: no user namespace, so setpriv can switch to the sandbox's uid (below).
    args += [] if is_root() else ["--unshare-user", "--cap-drop", "ALL"]
    if c.net == "private":
        args.append("--unshare-net")
    return args


def drop_privileges(c: Confinement) -> list[str]:
    """Inside the namespaces: as root, become ``c.uid`` with no capabilities and none to
    regain; then the limits (prlimit applies them to itself and execs the command)."""
    argv: list[str] = []
    if is_root():
        argv += [
            "setpriv", f"--reuid={c.uid}", f"--regid={c.uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
        ]  # fmt: skip
    return argv + c.limits.prlimit()


def prefix(c: Confinement) -> list[str]:
    """The argv prefix that runs a command confined by ``c`` (bwrap; see the module doc).

    As root, bwrap makes the mounts and namespaces with root's rights (it can bind what the
    sandbox's uid could not even reach, e.g. an interpreter under /root), then setpriv
    drops to ``c.uid`` inside; as another user, bwrap works in a user namespace.
    """
    argv: list[str] = []
    if c.net not in ("private", "inherit"):
        argv += ["nsenter", f"--net={c.net}", "--"]
    argv += ["bwrap", *namespace_args(c), *view_args(c)]
    argv += ["--setenv", "HOME", "/tmp"]
    if c.chdir is not None:
        argv += ["--chdir", str(c.chdir)]
    if c.status_fd is not None:
        argv += ["--json-status-fd", str(c.status_fd)]
    return argv + ["--", *drop_privileges(c)]


class StatusPipe:
    """bwrap's ``--json-status-fd``: pass ``write_fd`` to the child (``pass_fds``), close
    it in the parent after starting it (``close_writer``), then ``child_pid()``."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self._buffer = b""

    def close_writer(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def child_pid(self, timeout: float = 10.0) -> int | None:
        """The pid (in the caller's namespace) of the sandbox's first process."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                return None
            chunk = os.read(self.read_fd, 4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return int(json.loads(line)["child-pid"])
        except (ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        self.close_writer()
        os.close(self.read_fd)


def children_of(pid: int) -> list[int]:
    """The children of ``pid`` (empty once it has ended)."""
    from lab import processes

    return sorted(processes.children(pid))


def command_pid(child_pid: int, timeout: float = 5.0) -> int | None:
    """The confined command's pid: bwrap's first process (``child_pid``) is the namespace's
    init, and the command is its child."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = children_of(child_pid)
        if kids:
            return kids[0]
        if not Path(f"/proc/{child_pid}").exists():
            return None
        time.sleep(0.005)
    return None


def namespace_members(child_pid: int) -> list[int]:
    """Every process in the PID namespace whose first process is ``child_pid`` (that one
    included): what a run left behind, even detached with its environment scrubbed, to
    report before killing the sandbox ends them all."""
    try:
        ns = os.readlink(f"/proc/{child_pid}/ns/pid")
    except OSError:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == ns:
                    found.append(int(entry))
            except OSError:
                continue
    return sorted(found)


@dataclass(frozen=True)
class Support:
    """What this machine offers to confine a command, and why not when it does not."""

    bwrap: str | None  # the path of a bwrap that confined a probe command here, else None
    distinct_uid: bool  # root: the command runs as another uid (else as the caller's own)
    docker: bool  # a Docker engine answers (detected only, see the module docstring)
    problem: str  # why bwrap cannot be used ("" when it can)

    @property
    def mode(self) -> str:
        """The best mode here: "bwrap" or "none"."""
        return "bwrap" if self.bwrap else "none"


@cache
def detect() -> Support:
    """Probe bwrap (and the tools the prefix uses) by running Python confined; ask Docker."""
    missing = [tool for tool in ("bwrap", "prlimit", "nsenter") if not shutil.which(tool)]
    if is_root() and not shutil.which("setpriv"):
        missing.append("setpriv")
    docker = _docker_answers()
    if missing:
        return Support(None, False, docker, "missing: " + ", ".join(missing))
    problem = probe()
    bwrap = None if problem else shutil.which("bwrap")
    return Support(bwrap, is_root() and not problem, docker, problem)


def probe(c: Confinement | None = None) -> str:
    """Run this Python, importing the lab's runner, through ``prefix(c)``: "" when it
    worked, else what went wrong (the last line of its errors)."""
    c = c or Confinement()
    cmd = [sys.executable, "-c", "import lab.grading.inside.channel"]
    try:
        proc = subprocess.run(prefix(c) + cmd, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{type(e).__name__}: {e}"
    if proc.returncode == 0:
        return ""
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        import docker

        client = docker.from_env(timeout=2)
        return bool(client.ping())
    except Exception:
        return False


def uid_from_env(environ: dict[str, str] | None = None) -> int:
    """``LAB_SANDBOX_UID``: the uid a class box gives its learner's runner (one per box, so
    that two boxes' process limits are apart); unset: ``SANDBOX_UID``."""
    value = (environ if environ is not None else os.environ).get("LAB_SANDBOX_UID", "")
    return int(value) if value.isdigit() and int(value) > 0 else SANDBOX_UID


def mode_from_env(environ: dict[str, str] | None = None) -> str:
    """``LAB_SANDBOX`` (bwrap, docker or none), as the class command passes it down to the
    grader; unset or unknown: "none"."""
    value = (environ if environ is not None else os.environ).get("LAB_SANDBOX", "none")
    return value if value in MODES else "none"
