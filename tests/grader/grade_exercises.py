"""The pytest module ``make check`` runs: one test per exercise, parametrised at collection.

Not collected by a plain ``pytest tests`` (the name does not start with ``test_``); it needs
the ``GraderPlugin`` that ``python -m tests.grader check`` registers (tests/grader/check.py).
"""

import pytest

GRADER_KEY = pytest.StashKey()  # -> the GraderPlugin of this session


def _plugin(config):
    plugin = config.stash.get(GRADER_KEY, None)
    if plugin is None:
        raise pytest.UsageError("run this through `python -m tests.grader check`")
    return plugin


def pytest_generate_tests(metafunc):
    if "stem" in metafunc.fixturenames:
        stems = _plugin(metafunc.config).stems
        metafunc.parametrize("stem", stems, ids=stems)


def test_exercise(stem, request, record_property):
    outcome = _plugin(request.config).grade(stem)
    record_property("status", outcome.status)
    record_property("seconds", outcome.seconds)
    if outcome.status != "passed":
        pytest.fail(f"{outcome.status}: {outcome.reason}", pytrace=False)
