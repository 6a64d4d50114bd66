"""``make bench-grade``: how long a learner waits for a verdict, against what the lesson costs.

For each exercise, ``gevent-lab check NN --target solutions`` runs ``RUNS`` times (5) with the
lab up, and the table prints:

- **floor**: what the lesson itself costs, the fastest any solution can be (the check's
  speed floor; exercise 10's deadline; 0 for the greenlet exercises, which wait for nothing);
- **verdict**: the median time from starting the command to its PASS/FAIL line;
- **overhead**: verdict minus floor: what the grader adds (the goal: at most 0.5 s);
- **done**: the median time until the command exits (reports written).

Then the whole ``check`` (every exercise), against 1.5 x the sum of the floors, and the cold
``check`` (no lab running: it starts one for itself and stops it). A benchmark that prints
numbers, not a test: the numbers depend on the machine and its load.

    python -m lab.grading.bench [--runs 5] [--repo DIR] [--only 01,06]

``--repo`` runs the ``check`` of another checkout of the project (to compare with an older
version: its own code, this machine, the same lab).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lab import config
from lab.config import REPO_ROOT
from lab.exercises import all_exercises, find
from lab.grading.labsession import lab_for_grading
from lab.net import free_port, free_tcp_udp_port

RUNS = 5
PORT_VARIABLES = ("LAB_TOXIPROXY_PORT", "LAB_HTTPBIN_PORT", "LAB_HTTPBIN_UPSTREAM_PORT",
                  "LAB_HTTPBIN_PROXIED_PORT", "LAB_DNS_CONTROL_PORT")  # fmt: skip
GOAL_OVERHEAD_S = 0.5
GOAL_WHOLE = 1.5  # x the sum of the floors


SEED = ["--seed", "4242"]  # the same inputs for every run and every version compared


def timed_check(repo: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, dict]:
    """(seconds to the first PASS/FAIL line, seconds to the end, grade.json) of one check."""
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as out:
        cmd = [sys.executable, "-m", "lab", "check", *args, "--target", "solutions",
               "--report-dir", out, *SEED]  # fmt: skip
        began = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, text=True)
        verdict = None
        assert proc.stdout is not None
        for line in proc.stdout:
            if verdict is None and line.lstrip().startswith(("PASS", "FAIL", "LAB", "TODO")):
                verdict = time.monotonic() - began
        proc.wait()
        done = time.monotonic() - began
        report = json.loads((Path(out) / "grade.json").read_text())
    return verdict if verdict is not None else done, done, report


def floor_of(entry: dict) -> float:
    """The lesson's own cost, from what the grader measured (either report version)."""
    if entry.get("lesson_s") is not None:
        return float(entry["lesson_s"])
    for m in entry.get("measures") or entry.get("details", {}).get("speed") or []:
        if m.get("floor") is not None:
            return float(m["floor"])
    check = __import__(find(entry["stem"]).check_module, fromlist=["_"])
    return float(getattr(check, "DEADLINE_S", 0.0))


def bench(repo: Path, runs: int, only: list[str]) -> None:
    cfg = config.load()
    env = {**os.environ, **cfg.to_env()}
    exercises = [ex for ex in all_exercises() if not only or ex.code in only]
    rows, floors = [], {}
    print(f"{'exercise':32} {'floor':>7} {'verdict':>8} {'overhead':>9} {'done':>7}", flush=True)
    for ex in exercises:
        verdicts, dones = [], []
        for _ in range(runs):
            verdict, done, report = timed_check(repo, [ex.code], env)
            (entry,) = report["exercises"]
            if entry["status"] != "passed":
                print(f"  {ex.code} did not pass: {entry['reason'].splitlines()[0]}")
            floors[ex.code] = floor_of(entry)
            verdicts.append(verdict)
            dones.append(done)
        v, d = statistics.median(verdicts), statistics.median(dones)
        rows.append((ex, floors[ex.code], v, d))
        mark = "" if v - floors[ex.code] <= GOAL_OVERHEAD_S else "  (over 0.5 s)"
        print(
            f"{ex.code} {ex.slug[:29]:29} {floors[ex.code]:6.2f}s {v:7.2f}s "
            f"{v - floors[ex.code]:8.2f}s {d:6.2f}s{mark}",
            flush=True,
        )
    if only:
        return
    wholes = [timed_check(repo, [], env)[1] for _ in range(max(1, runs // 2))]
    whole, total_floor = statistics.median(wholes), sum(floors.values())
    print(
        f"\nwhole check: {whole:.2f} s (median of {len(wholes)}); sum of floors "
        f"{total_floor:.2f} s; goal under {GOAL_WHOLE * total_floor:.2f} s",
        flush=True,
    )


def cold(repo: Path) -> None:
    """The whole check with no lab up: it starts (and stops) the embedded lab itself, on
    free ports with a state dir of its own (the learner's lab, if up, is left alone)."""
    with tempfile.TemporaryDirectory(prefix="bench-grade-lab-") as state:
        ports = {var: str(free_port()) for var in PORT_VARIABLES}
        ports["LAB_DNS_PORT"] = str(free_tcp_udp_port())
        env = {**os.environ, **ports, "LAB_STATE_DIR": state, "LAB_BACKEND": "local"}
        _, done, _ = timed_check(repo, [], env)
    print(f"cold check (no lab up: it starts one): {done:.2f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs each (default {RUNS})")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="a checkout to time")
    parser.add_argument("--only", default="", help="exercises, e.g. 01,06 (default: all)")
    args = parser.parse_args(argv)
    only = [find(x).code for x in args.only.split(",") if x]
    cfg = config.load()
    with lab_for_grading(cfg):
        bench(args.repo, args.runs, only)
    if not only:
        cold(args.repo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
