"""``gevent-lab class grade ROSTER [options]`` and ``gevent-lab class merge DIR...``:
lab.cli adds the ``class`` sub-parser (``add_parser``) and dispatches to ``command``."""

from __future__ import annotations

import argparse
from pathlib import Path

from lab.i18n import t


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("class", help=t("help.class"))
    verbs = c.add_subparsers(dest="class_command", required=True, metavar="VERB")
    g = verbs.add_parser("grade", help=t("help.class_grade"))
    g.add_argument("roster", metavar="ROSTER", help=t("help.class_roster"))
    g.add_argument("--out", default="reports/class", help=t("help.class_out"))
    g.add_argument("--jobs", type=int, default=None, help=t("help.class_jobs"))
    g.add_argument("--shard", metavar="I/N", help=t("help.class_shard"))
    g.add_argument("--resume", action="store_true", help=t("help.class_resume"))
    g.add_argument("--deadline", metavar="WHEN", help=t("help.class_deadline"))
    g.add_argument("--exercises", metavar="04,06", help=t("help.class_exercises"))
    g.add_argument("--points", metavar="FILE", help=t("help.class_points"))
    g.add_argument("--seed", type=int, help=t("help.class_seed"))
    g.add_argument("--unsandboxed", action="store_true", help=t("help.class_unsandboxed"))
    m = verbs.add_parser("merge", help=t("help.class_merge"))
    m.add_argument("dirs", metavar="DIR", nargs="+", help=t("help.class_merge_dirs"))
    m.add_argument("--out", default="reports/class", help=t("help.class_out"))


def command(args: argparse.Namespace) -> int:
    from lab.classroom import run, shard

    if args.class_command == "merge":
        return run.merge([Path(d) for d in args.dirs], Path(args.out))
    options = run.Options(
        roster=Path(args.roster),
        out=Path(args.out),
        jobs=args.jobs if args.jobs is not None else run.DEFAULT_JOBS,
        shard=shard.parse(args.shard),
        resume=args.resume,
        deadline=run.parse_deadline(args.deadline),
        exercises=run.chosen_exercises(args.exercises),
        points_file=Path(args.points) if args.points else None,
        seed=args.seed,
        unsandboxed=args.unsandboxed,
    )
    return run.grade_class(options)
