"""The grader's code that runs inside the learner's process, and nothing else.

``python -m lab.grading.inside`` is the runner (``__main__``); ``timed`` marks the learner's
call and wraps its units of work; ``channel`` is the line back to the grader; ``noprocs``
forbids new processes; ``watchdog`` names a line that blocks gevent's loop; ``switches``
records every greenlet switch (exercises 01-03); ``lines`` tells which greenlet printed.

Everything here imports only the standard library at module level (greenlet and gevent
lazily, after the learner's module): the learner's ``monkey.patch_all()`` must come first.
Nothing here decides a verdict: what this process reports can only add a failure
(lab.grading.engine judges from what the lab's servers saw).
"""
