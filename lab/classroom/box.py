"""Where one learner's grading runs: a box with its own network namespace (so its embedded
lab listens on the default ports, apart from every other grading), its own PID namespace
(so nothing it starts outlives it) and, by default, learner code confined (lab.sandbox).

Isolation modes (``choose``):

- ``bwrap`` (default, needs bubblewrap): the whole ``python -m lab check`` runs through
  ``lab.sandbox.prefix``: read-only root, the learner's files read-only at
  ``/tmp/grading/exercises`` (the same path for every learner, so failure texts with paths
  group and compare), only ``/tmp/grading`` writable, a private network, another uid (one
  per job slot, from ``UidPool``), limits. The grader, its lab and the learner's code
  share that box: learner code cannot reach the teacher's files, the network or other
  gradings, but could tamper with its own grading. Everything in the box runs as the
  slot's uid, so ``kill_uid`` ends all of it, even a fork bomb. The box has its own PID
  namespace (``BOX_PID_NAMESPACE``): whatever it started (the lab's services, run as root
  when the grader confines the learner itself) ends with it, and a grader outside
  (``lab.grading.containment.stale()``) leaves alone processes marked in another PID
  namespace. The lab's own process lookup (``lab.processes``) ignores services of another
  network namespace: every box's lab has the same state path.
  When the grading engine confines the learner's runner itself
  (``lab.grading.process.CONFINES_LEARNER``), the grader runs as root in the box and
  ``LAB_SANDBOX=bwrap`` tells it to start the runner through ``lab.sandbox.prefix`` with
  ``net="inherit"`` (the box's network: its lab and nothing else): the two layers compose.
- ``netns`` (``--unsandboxed``, root): ``unshare`` gives network and PID namespaces only.
- ``ports`` (``--unsandboxed``, not root): no namespace; the lab gets free ports instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from lab import sandbox
from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.i18n import t
from lab.net import free_port, free_tcp_udp_port

# The whole grading shares these in the bwrap box (grader, lab services, learner code):
# the learner's own run is stopped at each exercise's time limit by the grader anyway.
BOX_LIMITS = sandbox.Limits(processes=256, memory_mb=4096, cpu_seconds=600, open_files=4096)
BOX_PID_NAMESPACE = True  # see the module docstring
INSIDE = Path("/tmp/grading")  # where the box sees the learner's work folder
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
PORT_VARS = {
    "LAB_TOXIPROXY_PORT": 8474,
    "LAB_HTTPBIN_PORT": 8080,
    "LAB_HTTPBIN_UPSTREAM_PORT": 8081,
    "LAB_HTTPBIN_PROXIED_PORT": 8082,
    "LAB_DNS_PORT": 1053,
    "LAB_DNS_CONTROL_PORT": 8053,
}


def harness_confines() -> bool:
    """Whether the grading engine starts the learner's runner through lab.sandbox."""
    from lab.grading import process

    return bool(getattr(process, "CONFINES_LEARNER", False))


def choose(unsandboxed: bool, support: sandbox.Support | None = None) -> str:
    """The isolation mode; a LabError when learner code would run unconfined and the
    teacher did not say ``--unsandboxed``."""
    if unsandboxed:
        return "netns" if sandbox.is_root() else "ports"
    support = support or sandbox.detect()
    if support.mode == "bwrap":
        return "bwrap"
    raise LabError(t("class.no_sandbox", problem=support.problem), t("class.no_sandbox_fix"))


@dataclass
class Work:
    """One learner's folders for one grading (under the class's work folder)."""

    root: Path  # writable by the grading: state/ and report/ below
    exercises: Path  # the learner's files, read-only

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def report(self) -> Path:
        return self.root / "report"


@dataclass
class Plan:
    argv: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...] = ()
    status: sandbox.StatusPipe | None = None
    hidden: list[Path] = field(default_factory=list)


def check_command(work: Work, seed: int, inside: bool) -> list[str]:
    """``python -m lab check`` of the learner's folder, as the box sees it."""
    root = INSIDE if inside else work.root
    return [sys.executable, "-m", "lab", "check", "--target", str(root / "exercises"),
            "--report-dir", str(root / "report"), "--seed", str(seed)]  # fmt: skip


def environment(work: Work, mode: str, lang: str, run_id: str, uid: int = 0) -> dict[str, str]:
    """A small environment: none of the teacher's variables (tokens, keys) reach the box."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    ports = PORT_VARS
    if mode == "ports":
        ports = {k: free_tcp_udp_port() if k == "LAB_DNS_PORT" else free_port() for k in PORT_VARS}
    env.update({k: str(v) for k, v in ports.items()})
    env.update(
        {
            "HOME": "/tmp" if mode == "bwrap" else str(work.root),
            "LAB_BACKEND": "local",
            "LAB_HOST": "127.0.0.1",
            "LAB_STATE_DIR": str((INSIDE if mode == "bwrap" else work.root) / "state"),
            "LAB_LANG": lang,
            "LAB_CLASS_RUN": run_id,  # lets tests find every process of a class run
            "LAB_SANDBOX": "bwrap" if mode == "bwrap" and harness_confines() else "none",
            "LAB_SANDBOX_UID": str(uid or sandbox.SANDBOX_UID),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def plan(work: Work, seed: int, mode: str, uid: int, lang: str, run_id: str,
         hide: tuple[Path, ...] = ()) -> Plan:  # fmt: skip
    """How to run one learner's grading in mode ``mode`` (as ``uid`` in a bwrap box)."""
    env = environment(work, mode, lang, run_id, uid)
    cmd = check_command(work, seed, inside=mode == "bwrap")
    if mode == "ports":
        return Plan(cmd, env)
    if mode == "netns":
        up = 'ip link set lo up && exec "$@"'
        argv = ["unshare", "--net", "--pid", "--mount", "--mount-proc", "--fork", "--kill-child"]
        return Plan(argv + ["--", "sh", "-c", up, "box", *cmd], env)
    status = sandbox.StatusPipe()
    for folder in (work.root, work.state, work.report):
        folder.mkdir(parents=True, exist_ok=True)
        if sandbox.is_root():  # not root: the box runs as the caller, who owns them
            os.chown(folder, uid, uid)
    c = sandbox.Confinement(
        read_only=((work.exercises, INSIDE / "exercises"),),
        writable=((work.root, INSIDE),),
        hidden=hide,
        net="private",
        uid=uid,
        limits=BOX_LIMITS,
        status_fd=status.write_fd,
        chdir=REPO_ROOT,
        pid_namespace=BOX_PID_NAMESPACE,
    )
    argv = (grader_box(c) if harness_confines() else sandbox.prefix(c)) + cmd
    return Plan(argv, env, (status.write_fd,), status)


class UidPool:
    """Uids for the boxes of one class run, none shared with another run on this machine
    (``kill_uid`` kills every process of a uid): each is held by an exclusive lock on
    ``LOCKS/<uid>.lock`` for the run's life, and is in use by no process when taken."""

    LOCKS = Path("/tmp/gevent-lab-class-uids")
    SPAN = 10_000

    def __init__(self, count: int) -> None:
        import fcntl

        self.uids: list[int] = []
        self._files = []
        self.LOCKS.mkdir(mode=0o700, exist_ok=True)
        for uid in range(sandbox.SANDBOX_UID, sandbox.SANDBOX_UID + self.SPAN):
            if len(self.uids) == count:
                break
            f = open(self.LOCKS / f"{uid}.lock", "w")  # noqa: SIM115 (held open: the lock)
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.close()
                continue
            if uid_processes(uid):  # left by a run that was killed: not ours to reuse
                f.close()
                continue
            self.uids.append(uid)
            self._files.append(f)
        if len(self.uids) < count:
            raise RuntimeError("no free uid for a class box")

    def close(self) -> None:
        for f in self._files:
            f.close()
        self._files = []


def kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` (a box's: nobody else runs as it), at once:
    ``kill -9 -1`` run as that uid signals all of them, a fork bomb included."""
    if not sandbox.is_root() or uid == 0:
        return
    for _ in range(5):
        subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                        "kill", "-9", "-1"], capture_output=True)  # fmt: skip
        if not uid_processes(uid):
            return


def uid_processes(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        line = next((ln for ln in status.splitlines() if ln.startswith("Uid:")), "")
        if line.split()[1:2] == [str(uid)]:
            found.append(int(entry))
    return found


def grader_box(c: sandbox.Confinement) -> list[str]:
    """The box when the grader confines the learner itself: the grader stays root (it
    makes the inner sandbox), with a plain /proc of the box's PID namespace (bwrap's own
    would keep an inner bwrap from mounting one)."""
    outer = replace(c, own_proc=False)
    argv = ["bwrap", *sandbox.namespace_args(outer), *sandbox.view_args(outer)]
    argv += ["--chdir", str(c.chdir or REPO_ROOT), "--json-status-fd", str(c.status_fd)]
    return argv + ["--", "sh", "-c", 'mount -t proc proc /proc && exec "$@"', "box"]
