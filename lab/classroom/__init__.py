"""Grading a whole class: ``gevent-lab class grade ROSTER`` and ``gevent-lab class merge``.

One module per idea:

- ``roster``: the roster file (CSV ``learner,source[,ref]``) and its errors, line by line;
- ``sources``: a learner's work from a folder, a git repository (with a deadline) or a zip;
- ``box``: where one learner's grading runs (its own network and PID namespaces, its own
  embedded lab, learner code confined by lab.sandbox);
- ``learner``: grading one learner (fetch, copy read-only, run ``python -m lab check`` in a
  box, keep the results atomically);
- ``results``: the per-learner result on disk, and the one reader of the grader's grade.json;
- ``reasons``: failures grouped by what went wrong ("12 learners: returned before joining");
- ``points``: points per exercise (``--points points.toml``);
- ``summary``: ``index.html``, ``class.csv`` and ``class.json`` for the teacher;
- ``shard``: ``--shard I/N``, a deterministic slice of the roster;
- ``run``: the class command itself (parallel gradings, progress, Ctrl-C), and ``merge``;
- ``demo``: the big demonstration (``python -m lab.classroom.demo``).
"""
