"""``reports/junit.xml`` keeps every exercise's last result, as ``grade.json`` does.

pytest writes the JUnit XML of one grading (``--junitxml``); a grading of one exercise
(``make check EX=06``) would leave only that exercise in it. ``merge`` puts back the test
cases of the file as it was before, for the exercises ``grade.json`` kept (same target, a
report that verifies: see lab.grading.report.merged), so both files always tell the same
results. The suite's counts and time are recomputed from the cases it then holds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path


def read(path: Path) -> bytes | None:
    """The report at ``path`` as it is now (None if there is none)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def merge(path: Path, previous: bytes | None, keep: set[str]) -> None:
    """Add to the report pytest just wrote at ``path`` the cases of ``previous`` whose
    exercise (their ``classname``, the exercise's stem) is in ``keep``."""
    if not previous or not keep:
        return
    try:
        old = ET.fromstring(previous)
        tree = ET.parse(path)
    except (ET.ParseError, OSError):
        return  # no fresh report to add to, or an old one that is not JUnit: nothing kept
    suite = tree.getroot().find("testsuite")
    if suite is None:
        return
    fresh = {case.get("classname") for case in suite.iter("testcase")}
    kept = [c for c in old.iter("testcase") if c.get("classname") in keep - fresh]
    cases = sorted([*suite.findall("testcase"), *kept], key=lambda c: c.get("classname", ""))
    for case in suite.findall("testcase"):
        suite.remove(case)
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        suite.set(attr, str(sum(c.find(tag) is not None for c in cases)))
    suite.set("time", f"{sum(float(c.get('time') or 0) for c in cases):.3f}")
    tree.write(path, encoding="utf-8", xml_declaration=True)
