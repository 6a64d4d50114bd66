"""``reports/junit.xml``: the results of ``grade.json`` as JUnit XML, for autograders and CI.

Written from the report's outcomes after each grading, so it always holds every exercise's
last result, as ``grade.json`` does: one ``testcase`` per exercise (``classname`` and
``name`` its stem), a ``failure`` for a failed one (a lab error is an ``error``, a TODO
still to do a ``failure`` too), ``skipped`` for one the graded folder has no file for.
(``pytest lab/checks --junitxml=...`` writes pytest's own, with the same verdicts.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from lab import atomic
from lab.grading.result import FailureKind, Outcome, Status

SUITE = "gevent-lab"


def write(path: Path, outcomes: list[Outcome]) -> None:
    """The JUnit XML of ``outcomes`` at ``path``, written atomically."""
    suite = ET.Element("testsuite", name=SUITE)
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname=o.slug, name=o.slug,
                             time=f"{o.seconds:.3f}")  # fmt: skip
        first = o.reason.partition("\n")[0]
        if o.kind is FailureKind.SKIPPED:
            ET.SubElement(case, "skipped", message=first)
            counts["skipped"] += 1
        elif o.kind in (FailureKind.LAB_ERROR, FailureKind.GRADER_ERROR):
            ET.SubElement(case, "error", message=first).text = o.reason
            counts["errors"] += 1
        elif o.status is not Status.PASSED:
            ET.SubElement(case, "failure", message=first).text = o.reason
            counts["failures"] += 1
    suite.set("tests", str(len(outcomes)))
    for name, n in counts.items():
        suite.set(name, str(n))
    suite.set("time", f"{sum(o.seconds for o in outcomes):.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    atomic.write_text(path, ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")
