"""``python -m tests.grader check|hint|watch``: the commands behind make check/hint/watch."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.grader", description="Grade the gevent-lab exercises."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="grade exercises (all, or --ex NN)")
    c.add_argument("--ex", help="one exercise: 6, 06 or ex06_parallel_http")
    c.add_argument(
        "--target",
        default="exercises",
        help="exercises (default), solutions, or a package of modules to grade",
    )
    c.add_argument("--seed", type=int, help="repeat a run's randomised inputs")
    c.add_argument("--report-dir", default="reports", help="where grade.json and junit.xml go")

    h = sub.add_parser("hint", help="show the next hint for an exercise")
    h.add_argument("ex", nargs="?", help="exercise number, e.g. 06")
    h.add_argument("--all", action="store_true", help="show every hint")
    h.add_argument("--reset", action="store_true", help="start again from the first hint")

    w = sub.add_parser("watch", help="re-grade an exercise each time its file is saved")
    w.add_argument("ex", nargs="?", help="exercise number, e.g. 06")
    w.add_argument("--target", default="exercises")
    w.add_argument("--interval", type=float, default=0.5, help="seconds between polls")

    args = parser.parse_args(argv)
    if args.command == "check":
        from tests.grader.check import check

        return check(args.ex, args.target, args.seed, args.report_dir)
    if args.command == "hint":
        from tests.grader.hints import hint

        return hint(args.ex, show_all=args.all, reset=args.reset)
    from tests.grader.watch import watch

    return watch(args.ex, args.target, args.interval)


if __name__ == "__main__":
    sys.exit(main())
