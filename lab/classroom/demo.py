"""The big demonstration of class grading (a script, not a test; ``make class-demo``).

``python -m lab.classroom.demo [--learners 40] [--max-jobs N] [--exercises 04,06,08]``
generates a roster of learners made of copies of the reference solutions and of the
grader's wrong fixtures (tests/grading/fixtures), as folders, zip archives and git
repositories with commits before and after a deadline, plus four hostile learners: a fork
bomb, one that writes into the teacher's report folder and the checkout, one that dials a
listener this script starts on the host's 127.0.0.1 (never any other address), and one that
sleeps forever. It grades the roster with ``--jobs`` 1, 2, ... N (the same ``--seed``, so a
learner gets the same inputs every time), checks that every run gives the verdicts of
``--jobs 1`` (each learner graded alone), that the hostile learners harmed nothing, and
prints learners per minute at each ``--jobs``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from lab.classroom import box
from lab.classroom.run import DEFAULT_JOBS
from lab.config import REPO_ROOT

SOLUTIONS = REPO_ROOT / "solutions"
FIXTURES = REPO_ROOT / "tests" / "grading" / "fixtures"
DEADLINE = "2026-01-02T00:00:00+00:00"
WRONG = ("missing_join", "sequential", "partial", "one_end_marker", "blocked", "threads")

# Each hostile learner tries its harm when its first exercise is imported and fails that
# exercise with what the sandbox answered (so the summary shows the answer).
FORK_BOMB = """import os, time
forks = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        forks += 1
except OSError as e:
    raise SystemExit(f"fork bomb: stopped after {forks} forks: {e.strerror}") from None
"""
FORGED = "forged by a learner"
SLEEPER = "import time\ntime.sleep(10**6)\n"


def writer_code(targets: list[Path]) -> str:
    tries = "".join(
        f"try:\n    open({str(p)!r}, 'w').write({FORGED!r})\n"
        f"    said.append('WROTE {p}')\n"
        f"except OSError as e:\n    said.append(f'{p}: {{e.strerror}}')\n"
        for p in targets
    )
    return "said = []\n" + tries + "raise SystemExit('writer: ' + '; '.join(said))\n"


def dialer_code(port: int) -> str:
    return (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'escaped')\n"
        f"    raise SystemExit('dialer: connected to the host 127.0.0.1:{port}')\n"
        "except OSError as e:\n"
        f"    raise SystemExit(f'dialer: 127.0.0.1:{port}: {{type(e).__name__}}: {{e}}') from None\n"
    )


class Listener:
    """The host's listener the dialing learner tries to reach; counts connections."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def copy_files(src: Path, dst: Path, codes: list[str], prepend: str = "") -> None:
    """The exercise files of ``src`` for ``codes`` into ``dst`` (hostile code first)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("ex*.py")):
        if f.name[2:4] in codes:
            (dst / f.name).write_text(prepend + f.read_text())


def git_learner(repo: Path, before: Path, after: Path, codes: list[str]) -> None:
    repo.mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "l", "GIT_AUTHOR_EMAIL": "l@localhost",
           "GIT_COMMITTER_NAME": "l", "GIT_COMMITTER_EMAIL": "l@localhost", "PATH": "/usr/bin:/bin"}  # fmt: skip

    def git(*args: str, when: str | None = None) -> None:
        e = {**env, **({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})}
        subprocess.run(["git", *args], cwd=repo, env=e, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for when, src in (("2026-01-01T10:00:00+00:00", before), ("2026-01-03T10:00:00+00:00", after)):
        copy_files(src, repo, codes)
        git("add", "-A")
        git("commit", "-qm", when, when=when)


def make_roster(root: Path, n: int, codes: list[str], port: int, out_dirs: list[Path]) -> Path:
    """``n`` learners (at least 40 in the demonstration) in ``root``; the roster's path."""
    lines = []
    hostile_first = codes[0]
    specials = {
        "h-forkbomb": FORK_BOMB,
        # The teacher's report folders, the checkout, and its own box's report folder (out of
        # its view: the grading engine confines the learner's runner inside the box).
        "h-writer": writer_code(
            [d / "index.html" for d in out_dirs]
            + [REPO_ROOT / "lab" / "forged.py", box.INSIDE / "report" / "grade.json"]
        ),
        "h-dialer": dialer_code(port),
        "h-sleeper": SLEEPER,
    }
    for name, code in specials.items():
        copy_files(SOLUTIONS, root / name, codes)
        target = next((root / name).glob(f"ex{hostile_first}_*.py"))
        target.write_text(code + target.read_text())
        lines.append(f"{name},{name}")
    i = 0
    while len(lines) < n:
        kind = i % 6
        name = f"l{i:02d}"
        if kind in (0, 3):
            copy_files(SOLUTIONS, root / name, codes)
            source = name
        elif kind in (1, 4):
            wrong = WRONG[(i // 6) % len(WRONG)]
            copy_files(FIXTURES / wrong, root / name, codes)
            copy_files(SOLUTIONS, root / name / "rest", codes)
            for f in (root / name / "rest").glob("*.py"):  # the other exercises right
                if not (root / name / f.name).exists():
                    shutil.copyfile(f, root / name / f.name)
            shutil.rmtree(root / name / "rest")
            source = name
        elif kind == 2:
            copy_files(SOLUTIONS if i % 4 else FIXTURES / "sequential", root / "z" / name, codes)
            shutil.make_archive(str(root / name), "zip", root / "z", name)
            source = f"{name}.zip"
        else:
            git_learner(root / name, FIXTURES / "sequential", SOLUTIONS, codes)
            source = name
        lines.append(f"{name},{source}")
        i += 1
    roster = root / "roster.csv"
    roster.write_text("learner,source\n" + "\n".join(lines) + "\n")
    return roster


def grade(roster: Path, out: Path, jobs: int, codes: list[str], seed: int) -> tuple[float, dict]:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "lab", "class", "grade", str(roster), "--out", str(out),
         "--jobs", str(jobs), "--exercises", ",".join(codes), "--deadline", DEADLINE,
         "--seed", str(seed)],
        cwd=REPO_ROOT, check=False, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.monotonic() - started
    data = json.loads((out / "class.json").read_text())
    verdicts = {
        lr["learner"]: {c: (v["verdict"], v["kind"]) for c, v in lr["cells"].items()}
        for lr in data["learners"]
    }
    return seconds, {"verdicts": verdicts, "data": data}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m lab.classroom.demo", description=__doc__)
    p.add_argument("--learners", type=int, default=40)
    p.add_argument("--max-jobs", type=int, default=DEFAULT_JOBS)
    p.add_argument("--exercises", default="04,06,08")
    p.add_argument("--keep", help="a folder to keep the roster and the results in")
    p.add_argument("--repeat", type=int, default=1,
                   help="grade at each --jobs but the first this many times")  # fmt: skip
    p.add_argument("--seed", type=int, default=2026,
                   help="the class seed: every run gives a learner the same inputs")  # fmt: skip
    p.add_argument("--jobs-list", help="the --jobs to try, e.g. 1,3 (default 1..--max-jobs)")
    args = p.parse_args(argv)
    codes = [c.strip().zfill(2) for c in args.exercises.split(",")]
    root = Path(args.keep or tempfile.mkdtemp(prefix="gevent-lab-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    listener = Listener()
    levels = [int(j) for j in args.jobs_list.split(",")] if args.jobs_list else []
    levels = levels or list(range(1, args.max_jobs + 1))
    # The first level is the baseline (each learner alone with --jobs 1): graded once.
    outs = [root / f"out-jobs{j}-run{r}" for j in levels
            for r in range(1, (1 if j == levels[0] else args.repeat) + 1)]  # fmt: skip
    roster = make_roster(root / "learners", args.learners, codes, listener.port, outs)
    print(f"roster: {roster} ({args.learners} learners, exercises {','.join(codes)})", flush=True)
    runs = {}
    for out in outs:
        jobs, run = (int(x) for x in out.name.removeprefix("out-jobs").split("-run"))
        seconds, runs[jobs, run] = grade(roster, out, jobs, codes, args.seed)
        rate = args.learners / seconds * 60
        print(f"--jobs {jobs} (run {run}): {seconds:.0f} s, {rate:.1f} learners per minute",
              flush=True)  # fmt: skip
    alone = runs[levels[0], 1]["verdicts"]
    for (jobs, run), r in runs.items():
        if (jobs, run) != (levels[0], 1):
            diff = {n: (alone.get(n), v) for n, v in r["verdicts"].items() if alone.get(n) != v}
            same = diff if diff else "same verdicts"
            print(f"--jobs {jobs} (run {run}) vs --jobs {levels[0]} (run 1): {same}")
    print_table(runs[levels[0], 1]["data"], codes)
    harmed = harm_report(listener, outs)
    print("hostile learners: " + ("harmed nothing" if not harmed else "; ".join(harmed)))
    print(f"results in {root}")
    return 1 if harmed else 0


def print_table(data: dict, codes: list[str]) -> None:
    print("learner      " + " ".join(f"ex{c:<9}" for c in codes) + " total")
    for lr in data["learners"]:
        cells = [f"{lr['cells'][c]['verdict']}:{lr['cells'][c]['kind'] or ''}"[:11] for c in codes]
        print(f"{lr['learner']:<12} " + " ".join(f"{c:<11}" for c in cells) + f" {lr['total']}")
    for lr in data["learners"]:
        if lr["learner"].startswith("h-"):  # the hostile ones: what the sandbox answered
            print(f"  {lr['learner']}, ex{codes[0]}:")
            print("    " + lr["cells"][codes[0]]["reason"].strip().replace("\n", "\n    "))


def harm_report(listener: Listener, outs: list[Path]) -> list[str]:
    harmed = []
    if listener.connections:
        harmed.append(f"the host's listener got {listener.connections} connection(s)")
    # What the writer writes is exactly FORGED (the summaries quote its paths in its reason).
    forged = [p for p in [*(d / "index.html" for d in outs), REPO_ROOT / "lab" / "forged.py"]
              if p.exists() and p.read_text(errors="replace") == FORGED]  # fmt: skip
    if forged:
        harmed.append(f"forged files: {forged}")
    held = sorted(box.UidPool.LOCKS.glob("*.lock"))
    left = [int(p.stem) for p in held if box.uid_processes(int(p.stem))]
    if left:
        harmed.append(f"processes left running as uids {left}")
    return harmed


if __name__ == "__main__":
    raise SystemExit(main())
