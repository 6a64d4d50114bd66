"""``make flake``: how often does grading the reference solutions fail by bad luck?

Grades ``solutions/`` RUNS times in a row (20 by default), then RUNS more times while a busy
loop (a subprocess spinning in pure Python) keeps one core at 100 %, and prints the passes
out of the total and, per exercise, the slowest speed margin seen (how many seconds under the
slowest accepted time the run stayed; see lab/grading/rules.py) and the largest share of
that time limit a run used, and in how many gradings the blocked-loop detector fired
(lab.grading.inside.watchdog; a correct solution never blocks the loop). Target: every run
passes, and the detector never fires.

Each grading is a ``python -m lab check`` process with a time limit; the busy loop
is stopped whatever happens (also on Ctrl-C). One lab is used for the whole measurement
(started here, and stopped at the end, when none is running).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from lab import config
from lab.config import REPO_ROOT
from lab.grading.labsession import lab_for_grading
from lab.grading.result import Outcome
from lab.i18n import t

RUN_TIMEOUT = 300  # seconds for one full grading (about 15 s when solved)


@contextmanager
def busy_core():
    """A subprocess that keeps one core at 100 % until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def grade_once(target: str, report_dir: Path) -> dict | None:
    """One full grading; its grade.json, or None if it did not finish in time."""
    cmd = [
        sys.executable,
        "-m",
        "lab",
        "check",
        "--target",
        target,
        "--report-dir",
        str(report_dir),
    ]
    try:
        subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return None
    try:
        return json.loads((report_dir / "grade.json").read_text())
    except (OSError, ValueError):
        return None


class Tally:
    """Passes per run and per exercise, and the slowest margins."""

    def __init__(self) -> None:
        self.runs = self.passed_runs = 0
        self.passes: dict[str, int] = defaultdict(int)
        self.seen: dict[str, int] = defaultdict(int)
        self.margin: dict[str, float] = {}
        self.worst: dict[str, float] = {}  # largest elapsed / ceiling seen
        self.blocked: dict[str, int] = defaultdict(int)  # gradings the detector fired in
        self.failures: list[str] = []

    def add(self, report: dict | None, label: str) -> bool:
        self.runs += 1
        if report is None:
            self.failures.append(t("flake.unfinished", label=label))
            return False
        ok = report["points"] == report["max_points"]
        self.passed_runs += ok
        for ex in report["exercises"]:
            key = f"{ex['number']} {ex['title']}"
            self.seen[key] += 1
            if ex["status"] == "passed":
                self.passes[key] += 1
            else:
                self.failures.append(
                    f"{label} (seed {report['seed']}): {key}: {ex['reason'].splitlines()[0]}"
                )
            outcome = Outcome.from_json(ex)
            if outcome.blocked:
                self.blocked[key] += 1
            margin = outcome.margin
            if margin is not None:
                self.margin[key] = min(margin, self.margin.get(key, margin))
            for check in outcome.measures:
                if not check.ceiling or check.elapsed is None:
                    continue
                used = check.elapsed / check.ceiling
                self.worst[key] = max(used, self.worst.get(key, used))
        return ok

    def table(self) -> str:
        lines = [
            f"{t('flake.col.exercise'):52} {t('flake.col.passes'):>8} "
            f"{t('flake.col.margin'):>15} {t('flake.col.used'):>9} {t('flake.col.blocked'):>14}"
        ]
        for key in sorted(self.seen):
            m, w = self.margin.get(key), self.worst.get(key)
            lines.append(
                f"{key[:52]:52} {self.passes[key]:>4}/{self.seen[key]:<3} "
                f"{(f'{m:.2f} s' if m is not None else '-'):>15} "
                f"{(f'{w:.0%}' if w is not None else '-'):>9} "
                f"{self.blocked[key]:>10}/{self.seen[key]:<3}"
            )
        return "\n".join(lines)


def measure(runs: int, target: str) -> Tally:
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="flake-") as tmp:
        for key, ctx in (("idle", None), ("busy core", busy_core)):
            phase = t("flake.phase.idle") if ctx is None else t("flake.phase.busy")
            with ctx() if ctx else _nothing():
                for i in range(runs):
                    began = time.monotonic()
                    ok = tally.add(
                        grade_once(target, Path(tmp, f"{key}-{i}")),
                        t("flake.run", phase=phase, n=i + 1),
                    )
                    result = t("flake.pass") if ok else t("flake.fail")
                    print(
                        t(
                            "flake.run_line",
                            phase=phase,
                            n=i + 1,
                            runs=runs,
                            result=result,
                            seconds=time.monotonic() - began,
                        ),
                        flush=True,
                    )
    return tally


@contextmanager
def _nothing():
    yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per phase (default 20)")
    parser.add_argument("--target", default="solutions")
    args = parser.parse_args(argv)
    began = time.monotonic()
    with lab_for_grading(config.load()):
        tally = measure(args.runs, args.target)
    print()
    print(tally.table())
    print()
    print(
        t(
            "flake.summary",
            passed=tally.passed_runs,
            total=tally.runs,
            runs=args.runs,
            seconds=time.monotonic() - began,
        )
    )
    print(t("flake.blocked", n=sum(tally.blocked.values()), total=sum(tally.seen.values())))
    for failure in tally.failures[:20]:
        print(f"  {failure}")
    return 0 if tally.passed_runs == tally.runs else 1


if __name__ == "__main__":
    sys.exit(main())
