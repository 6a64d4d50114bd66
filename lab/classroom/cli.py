"""``gevent-lab class grade ROSTER [options]`` and ``gevent-lab class merge DIR...``: their
arguments are in lab.cli's one table of commands, which dispatches to ``command``."""

from __future__ import annotations

import argparse
from pathlib import Path


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
