"""The grading engine: from a learner's file to a verdict, judged by what the lab saw.

::

    gevent-lab check [EX]          pytest lab/checks --target=DIR        (teachers, CI)
      lab.cli -> driver.check        checks/conftest.py -> plugin
                  \\________________________________/
                                   |
                      driver.Session   the folder, the seed, the lab (labsession), reports
                                   |
                      engine.Grader.grade(exercise) -> result.Outcome
                        |
                        |- process.Learner      the learner's process, started at once
                        |                       (for `check EX`, before the grader's own
                        |                       imports; for `check`, once the exercise
                        |                       before has its verdict: early):
                        |    python -m lab.grading.inside   (inside/: runs in that process)
                        |      noprocs (no fork) -> the learner's module -> its check ->
                        |      handover (case, channel) -> check.run -> timed(call) -> result
                        |- check.setup(ctx)     context.GradeContext: latency, random inputs
                        |- evidence.mark        where the lab's records stand
                        |- Learner.run(case)    channel events (events) stamped by the grader;
                        |                       waited for through a pidfd (no polling);
                        |                       at each call's end, the process looked at
                        |                       standing still (sockets); threads, children
                        |- evidence.collect     what httpbin, the DNS server, the proxies saw
                        |- rules (whole run)    one process, one thread, lab unchanged, the
                        |                       records whole, the lab awake all along
                        |- check.verify(ctx, case, observed, seen) -> [result.Measure]
                        |                       answers, then rules: joined, through the
                        |                       proxy, speed, in flight, from the lab's lanes
                        '- ctx.restore          the lab put back, whatever happened
                                   |
                      report (grade.json, the lines)   junit (junit.xml)   lab.ui (index.html)

Modules:

- ``driver``: ``gevent-lab check``: a ``Session`` per grading (lab, outcomes, reports);
- ``plugin``: the same ``Session`` as a pytest suite (``pytest lab/checks``);
- ``labsession``: the lab a grading uses: the running one, or one started for it;
- ``engine``: ``Grader``: one exercise, setup to verdict, the lab put back;
- ``process``: the learner's process: started, fed its case, watched, stopped; ``early``:
  the one ``gevent-lab check EX`` starts first, its imports overlapping the grader's;
- ``events``: the channel's events read against the protocol (``Calls``, tampering);
- ``sockets``: a process's sockets and unread bytes, from /proc;
- ``evidence``: the lab's records, their lanes, and ``Seen`` (all a check's verify sees);
- ``rules``: every rule a verdict comes from (speed, in flight, joined, through the proxy,
  one process, one thread, answers' shapes);
- ``result``: the typed result model: ``Outcome``, ``Measure``, ``Bar``, ``Status``,
  ``FailureKind``, ``RunnerResult`` (grade.json's entries);
- ``contract``: what a check is (``Check``) and how it fails (``GradeFailure``);
- ``context``: ``GradeContext``, a check's view of the lab (latency, extra proxies, zone);
- ``side_proxy``: the grader's own Toxiproxy, for the extra proxies checks make;
- ``containment``: nothing a run starts outlives it; what a killed grader left is stopped;
- ``repair``: the lab's settings a killed grading changed are put back;
- ``report``: the learner's lines, the summary, ``grade.json`` (signed); ``bars``: lanes as
  text; ``junit``: ``junit.xml``;
- ``progress``, ``hints``, ``watch``, ``commands`` (hint, watch, reset, trace), ``target``;
- ``flake`` (``make flake``) and ``bench`` (``make bench-grade``): the grader measured;
- ``inside/``: the code that runs in the learner's process (runner, ``timed``, channel,
  no-fork filter, blocked-loop watchdog, greenlet switches, who printed what).
"""
