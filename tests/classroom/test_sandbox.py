"""lab.sandbox measured: what a command run through ``prefix()`` can and cannot do.

Needs bwrap (Debian's ``bubblewrap``) and root (to switch to the sandbox's uid and to make
network namespaces): skipped otherwise, with the reason. CI installs bubblewrap (.ci/run).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from lab import sandbox
from lab.classroom import box
from lab.config import REPO_ROOT
from lab.net import free_port

SUPPORT = sandbox.detect()
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox's other uid and nsenter need root"),
    pytest.mark.skipif(
        SUPPORT.bwrap is None, reason=f"bubblewrap cannot confine here: {SUPPORT.problem}"
    ),
]


UIDS = box.UidPool(1) if SUPPORT.bwrap and os.geteuid() == 0 else None
UID = UIDS.uids[0] if UIDS else sandbox.SANDBOX_UID  # no other class run uses it meanwhile


def conf(**kw) -> sandbox.Confinement:
    return sandbox.Confinement(uid=UID, **kw)


def confined(code: str, c: sandbox.Confinement | None = None, timeout: float = 60, **kw):
    """Run Python ``code`` through the prefix; the completed process."""
    argv = sandbox.prefix(c or conf()) + [sys.executable, "-c", code]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd="/", **kw)


def test_it_runs_as_another_uid_without_capabilities():
    proc = confined(
        "import os; caps = [l for l in open('/proc/self/status') if l.startswith('CapEff')];"
        "print(os.getuid(), os.getgid(), caps[0].split()[1])"
    )
    assert proc.returncode == 0, proc.stderr
    uid, gid, caps = proc.stdout.split()
    assert (int(uid), int(gid)) == (UID, UID) != (os.getuid(),) * 2
    assert int(caps, 16) == 0


def test_it_cannot_write_the_checkout_the_report_folder_or_the_hosts_tmp(tmp_path):
    report = tmp_path / "report"
    report.mkdir()
    name = f"sandbox-{uuid.uuid4().hex}"
    code = f"""
import sys
for path in [{str(REPO_ROOT / "lab" / name)!r}, {str(report / "grade.json")!r}]:
    try:
        open(path, "w").write("forged")
        print("WROTE", path)
    except OSError as e:
        print("refused", path, e.strerror)
open("/tmp/{name}", "w").write("only in the sandbox")
"""
    # The report folder is in sight (read-only), as the learner's files are.
    proc = confined(code, conf(read_only=(report,)))
    assert proc.returncode == 0, proc.stderr
    assert "WROTE" not in proc.stdout
    assert proc.stdout.count("refused") == 2
    assert "Read-only file system" in proc.stdout
    assert not (REPO_ROOT / "lab" / name).exists()
    assert not (report / "grade.json").exists()
    assert not Path(f"/tmp/{name}").exists()


def test_it_cannot_read_the_graders_private_files(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    key = folder / "grader.key"
    key.write_bytes(b"secret")
    key.chmod(0o600)
    code = f"""
import os
try:
    print(open({str(key)!r}).read())
except OSError as e:
    print("refused:", e.strerror)
print("private:", sorted(os.listdir({str(REPO_ROOT / "solutions")!r})))
"""
    proc = confined(code, conf(read_only=(folder,)))
    assert proc.returncode == 0, proc.stderr
    assert "refused: Permission denied" in proc.stdout
    assert "secret" not in proc.stdout
    assert "private: []" in proc.stdout  # the reference solutions are hidden
    assert (REPO_ROOT / "solutions" / "ex06_parallel_http.py").is_file()


class Listener:
    """A TCP server on 127.0.0.1:port answering ``word`` to every connection."""

    def __init__(self, port: int, word: bytes):
        self.sock = socket.create_server(("127.0.0.1", port))
        self.word = word
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.sendall(self.word)


DIAL = """
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", {port}), timeout=3) as s:
        print("answer:", s.recv(100).decode())
except OSError as e:
    print("refused:", type(e).__name__)
"""


def test_it_cannot_reach_the_host_but_reaches_its_own_namespace():
    port = free_port()
    host = Listener(port, b"host")
    # A listener on the same port in a network namespace of its own: the lab's stand-in.
    inside = subprocess.Popen(
        ["unshare", "--net", "sh", "-c", "ip link set lo up && exec \"$0\" -c \"$1\"",
         sys.executable, f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r});"
         f"from tests.classroom.test_sandbox import Listener; import time;"
         f"Listener({port}, b'inside'); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert inside.stdout.readline().strip() == "ready"
        private = confined(DIAL.format(port=port))
        assert "refused: ConnectionRefusedError" in private.stdout, private
        shared = confined(DIAL.format(port=port), conf(net=f"/proc/{inside.pid}/ns/net"))
        assert "answer: inside" in shared.stdout, shared
        host_dial = subprocess.run([sys.executable, "-c", DIAL.format(port=port)],
                                   capture_output=True, text=True)  # fmt: skip
        assert "answer: host" in host_dial.stdout  # the host's listener was there all along
    finally:
        inside.kill()
        inside.wait()
        host.sock.close()


def test_what_a_run_left_is_found_before_it_ends():
    status = sandbox.StatusPipe()
    code = (
        "import os, subprocess, time\n"
        "subprocess.Popen(['sleep', '600'], start_new_session=True, env={})\n"
        "print('left', flush=True)\ntime.sleep(3)\n"
    )
    proc = subprocess.Popen(
        sandbox.prefix(conf(status_fd=status.write_fd)) + [sys.executable, "-c", code],
        stdout=subprocess.PIPE, text=True, pass_fds=(status.write_fd,), start_new_session=True,
    )  # fmt: skip
    status.close_writer()
    try:
        first = status.child_pid()
        assert proc.stdout.readline().strip() == "left"
        members = [psutil.Process(p).cmdline() for p in sandbox.namespace_members(first)]
        assert ["sleep", "600"] in members
        assert len(members) == 3  # bwrap's init, the command, what it left
    finally:
        os.killpg(proc.pid, 9)
        proc.wait()
        status.close()
    deadline = time.monotonic() + 5
    while sandbox.namespace_members(first) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [psutil.Process(p) for p in sandbox.namespace_members(first)]
    assert [p for p in left if p.status() != psutil.STATUS_ZOMBIE] == []


def test_what_it_starts_ends_with_it():
    marker = f"{time.time_ns() % 10**6 + 3_000_000}"
    code = f"""
import subprocess
subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
subprocess.Popen(["sh", "-c", "sleep {marker} &"], start_new_session=True)
print("started")
"""
    proc = confined(code)
    assert "started" in proc.stdout, proc.stderr
    time.sleep(0.2)
    left = [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]
    assert left == []


def test_inherited_descriptors_stdin_and_the_commands_pid():
    status = sandbox.StatusPipe()
    read_fd, write_fd = os.pipe()
    c = conf(status_fd=status.write_fd)
    code = (
        "import os, sys; os.write(int(sys.argv[1]), b'on the pipe'); "
        "print('stdin:', sys.stdin.read()); sys.stdout.flush(); sys.stdin.close(); "
        "import time; time.sleep(2)"
    )
    proc = subprocess.Popen(
        sandbox.prefix(c) + [sys.executable, "-c", code, str(write_fd), "learner-marker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(write_fd, status.write_fd),
        start_new_session=True, cwd="/",
    )  # fmt: skip
    os.close(write_fd)
    status.close_writer()
    try:
        first = status.child_pid()
        assert first is not None
        learner = sandbox.command_pid(first)
        assert learner is not None
        info = psutil.Process(learner)
        deadline = time.monotonic() + 5  # the same pid: setpriv and prlimit exec the command
        while info.cmdline()[:1] != [sys.executable] and time.monotonic() < deadline:
            time.sleep(0.01)  # setpriv's and prlimit's command lines name it too
        assert info.cmdline()[0] == sys.executable and "learner-marker" in info.cmdline()
        assert info.uids().real == UID
        out, _ = proc.communicate(b"from the grader", timeout=30)
        assert os.read(read_fd, 100) == b"on the pipe"
        assert b"stdin: from the grader" in out
        assert proc.returncode == 0
    finally:
        os.close(read_fd)
        status.close()


BOMB = """
import os, time
kids = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        kids += 1
except OSError as e:
    print("stopped after", kids, "forks:", e.strerror, flush=True)
time.sleep(1)
"""


def test_a_fork_bomb_stops_at_the_process_limit_and_harms_nothing():
    limits = sandbox.Limits(processes=32)
    proc = confined(BOMB, conf(limits=limits))
    assert "Resource temporarily unavailable" in proc.stdout, proc.stderr
    kids = int(proc.stdout.split("after")[1].split()[0])
    assert kids < limits.processes
    # The host forks as usual, and the bomb's processes ended with the sandbox.
    assert subprocess.run(["true"]).returncode == 0
    time.sleep(0.2)
    assert [p.pid for p in psutil.process_iter() if p.uids().real == UID] == []


def test_memory_and_cpu_time_are_limited():
    small = conf(limits=sandbox.Limits(memory_mb=256))
    proc = confined("b = bytearray(512 * 1024 * 1024)", small)
    assert proc.returncode != 0 and "MemoryError" in proc.stderr
    assert confined("b = bytearray(64 * 1024 * 1024)", small).returncode == 0

    files = conf(limits=sandbox.Limits(file_mb=1, tmp_mb=4))
    big = confined("open('/tmp/big', 'wb').write(b'x' * 2 * 1024 * 1024)", files)
    assert big.returncode != 0  # SIGXFSZ at the file size limit
    fill = confined(
        "import os\nf = open('/tmp/a', 'wb')\ntry:\n    [f.write(b'x' * 512 * 1024) or f.flush()"
        " for _ in range(100)]\nexcept OSError as e:\n    print(e.strerror)",
        conf(limits=sandbox.Limits(file_mb=100, tmp_mb=4)),
    )
    assert "No space left on device" in fill.stdout, fill

    short = conf(limits=sandbox.Limits(cpu_seconds=1))
    started = time.monotonic()
    spin = confined("while True: pass", short, timeout=30)
    assert spin.returncode != 0
    assert time.monotonic() - started < 10


def test_detect_reports_what_works_here():
    assert SUPPORT.mode == "bwrap" and SUPPORT.distinct_uid and SUPPORT.problem == ""
    assert sandbox.probe() == ""
    broken = conf(hidden=(Path(sys.prefix),))  # its own Python hidden
    assert sandbox.probe(broken) != ""


def test_lab_sandbox_variables():
    assert sandbox.uid_from_env({"LAB_SANDBOX_UID": "10007"}) == 10007
    assert sandbox.uid_from_env({"LAB_SANDBOX_UID": "x"}) == sandbox.SANDBOX_UID
    assert sandbox.mode_from_env({"LAB_SANDBOX": "bwrap"}) == "bwrap"
    assert sandbox.mode_from_env({"LAB_SANDBOX": "what"}) == "none"
    assert sandbox.mode_from_env({}) == "none"
    assert json.dumps(sandbox.MODES)


def test_the_two_layers_compose(tmp_path):
    """The class box as it runs when the grading engine confines the learner itself
    (box.grader_box: the grader stays root in the box's network and PID namespaces); inside
    it, a runner started through ``prefix(net="inherit")`` reaches the box's own listener
    (its lab), not the host's on the same port, as the inner sandbox's uid."""
    port = free_port()
    host = Listener(port, b"host")
    pool = box.UidPool(2)
    outer_uid, inner_uid = pool.uids
    status = sandbox.StatusPipe()
    work = tmp_path / "work"
    work.mkdir()
    outer = sandbox.Confinement(writable=(work,), uid=outer_uid, status_fd=status.write_fd,
                                chdir=REPO_ROOT, net="private")  # fmt: skip
    inner = sandbox.Confinement(net="inherit", uid=inner_uid)
    grader = f"""
import socket, subprocess, sys, threading
server = socket.create_server(("127.0.0.1", {port}))  # the box's lab (tests/ is hidden)
def serve():
    while True:
        conn, _ = server.accept()
        conn.sendall(b"box")
        conn.close()
threading.Thread(target=serve, daemon=True).start()
code = {DIAL.format(port=port)!r} + "import os; print('uid', os.getuid())"
inner = subprocess.run({sandbox.prefix(inner)!r} + [sys.executable, "-c", code],
                       capture_output=True, text=True)
print(inner.stdout, inner.stderr)
"""
    try:
        proc = subprocess.run(
            box.grader_box(outer) + [sys.executable, "-c", grader], capture_output=True,
            text=True, timeout=60, pass_fds=(status.write_fd,), cwd="/",
        )  # fmt: skip
    finally:
        status.close()
        pool.close()
        host.sock.close()
    assert proc.returncode == 0, proc.stderr
    assert "answer: box" in proc.stdout, proc.stdout
    assert f"uid {inner_uid}" in proc.stdout


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("import os\nos.fork()\n", "tried to start another process"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "exit code -11"),
    ],
    ids=["fork", "segfault"],
)
def test_a_confined_learners_end_is_told_as_unconfined(tmp_path, code, said):
    """The grading engine's runner under bwrap (``LAB_SANDBOX=bwrap``, as in a class box):
    the learner's python's own end reaches the verdict (bwrap's status pipe stays open
    until bwrap ends: closed early, bwrap died of SIGPIPE and every end read 'exit code
    -13')."""
    learner = tmp_path / "learner"
    learner.mkdir()
    (learner / "ex04_gevent_countdown.py").write_text(code)
    for path in (tmp_path, learner, *learner.iterdir()):
        path.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "lab", "check", "04", "--target", str(learner),
         "--report-dir", str(tmp_path / "report")],
        cwd=REPO_ROOT, env={**os.environ, "LAB_SANDBOX": "bwrap", "LAB_LANG": "en"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert said in done.stdout, done.stdout + done.stderr
