"""``gevent-lab class grade`` on a small roster, for real: each learner graded by the
grader in a bwrap box with its own embedded lab, two at once. Also --resume, Ctrl-C (nothing
left running) and ``class merge`` (two shards merged give the single run's summary)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab.config import REPO_ROOT
from tests.classroom import helpers
from tests.cli_process import run_lab, without_lab_variables

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(helpers.skip_reason() is not None, reason=str(helpers.skip_reason())),
]


def env() -> dict[str, str]:
    return {**without_lab_variables(), "LAB_LANG": "en"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A roster of 5 learners and 2 bad lines, graded on exercises 04 and 06, --jobs 2."""
    root = tmp_path_factory.mktemp("class")
    helpers.copy_folder(helpers.SOLUTIONS, root / "alice", only=("04", "06"))
    helpers.copy_folder(helpers.FIXTURES / "missing_join", root / "bob")
    helpers.zip_folder(helpers.SOLUTIONS, root / "carol.zip")
    helpers.git_repo(root / "dave", helpers.FIXTURES / "sequential", helpers.SOLUTIONS)
    (root / "roster.csv").write_text(
        "learner,source,ref\n"
        "alice,alice\n"
        "bob,bob\n"
        "carol,carol.zip\n"
        "dave,dave\n"
        "erin,does-not-exist\n"
        "bad name!,alice\n"
        "frank\n"
    )
    out = root / "out"
    proc = run_lab(
        "class", "grade", str(root / "roster.csv"), "--out", str(out), "--jobs", "2",
        "--exercises", "04,06", "--deadline", helpers.DEADLINE, "--seed", "7",
        env=env(), timeout=600,
    )  # fmt: skip
    return root, out, proc


def test_every_learner_gets_the_verdicts_of_their_work(graded):
    root, out, proc = graded
    assert proc.returncode == 1, proc.stderr  # two roster lines and one learner not graded
    data = json.loads((out / "class.json").read_text())
    assert data["version"] == 1
    table = {
        lr["learner"]: {c: v["verdict"] for c, v in lr["cells"].items()} for lr in data["learners"]
    }
    assert table == {
        "alice": {"04": "pass", "06": "pass"},
        "bob": {"04": "fail", "06": "todo"},
        "carol": {"04": "pass", "06": "pass"},
        "dave": {"04": "fail", "06": "fail"},  # the commit before the deadline: sequential
        "erin": {"04": "none", "06": "none"},
    }
    learners = {lr["learner"]: lr for lr in data["learners"]}
    assert learners["bob"]["cells"]["04"]["line"].startswith("returned before joining")
    assert learners["dave"]["cells"]["04"]["kind"] == "slow"
    assert "neither a git URL nor an existing folder" in learners["erin"]["error"]
    assert [e["line"] for e in data["roster_errors"]] == [7, 8]
    dave = json.loads((out / "learners" / "dave" / "result.json").read_text())
    assert dave["kind"] == "git" and dave["sandbox"] == "bwrap"
    log = subprocess.run(["git", "-C", str(root / "dave"), "log", "--format=%H %s"],
                         capture_output=True, text=True).stdout  # fmt: skip
    assert f"{dave['commit']} work of 2026-01-01" in log
    seeds = {lr["learner"]: lr["seed"] for lr in data["learners"]}
    assert len(set(seeds.values())) == 5  # one seed each, recorded


def test_class_csv_and_the_learners_files(graded):
    _, out, _ = graded
    rows = list(csv.reader((out / "class.csv").read_text().splitlines()))
    assert rows == [
        ["learner", "ex04", "ex06", "total"],
        ["alice", "1", "1", "2"],
        ["bob", "0", "0", "0"],
        ["carol", "1", "1", "2"],
        ["dave", "0", "0", "0"],
        ["erin", "", "", ""],
    ]
    for name in ("alice", "bob", "carol", "dave"):
        folder = out / "learners" / name
        assert {"grade.json", "junit.xml", "index.html", "result.json"} <= {
            p.name for p in folder.iterdir()
        }
        assert "<testsuite" in (folder / "junit.xml").read_text()


def test_the_summary_page_groups_failure_reasons(graded):
    _, out, _ = graded
    page = (out / "index.html").read_text()
    assert "1 learner(s): returned before joining" in page
    assert 'href="learners/bob/index.html#ex04"' in page
    assert "50% (2/4)" in page  # ex04's pass rate: erin was not graded
    assert "roster line 7" in page


def test_resume_skips_learners_already_graded(graded):
    root, out, _ = graded
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("learners/*/result.json")}
    proc = run_lab("class", "grade", str(root / "roster.csv"), "--out", str(out),
                   "--exercises", "04,06", "--resume", env=env(), timeout=300)  # fmt: skip
    assert "Grading 1 of 5 learners" in proc.stderr  # only erin, whose source is missing
    assert {p: p.stat().st_mtime_ns for p in out.glob("learners/*/result.json")
            if p.parent.name != "erin"} == {p: s for p, s in stamps.items()
                                            if p.parent.name != "erin"}  # fmt: skip
    other = run_lab("class", "grade", str(root / "roster.csv"), "--out", str(out),
                    "--exercises", "04", "--resume", env=env(), timeout=300)  # fmt: skip
    assert "Grading 5 of 5 learners" in other.stderr  # other exercises: graded again


def test_nothing_is_left_running(graded):
    assert helpers.class_processes() == []


def test_ctrl_c_leaves_nothing_running(tmp_path):
    for name in ("hang1", "hang2"):
        helpers.copy_folder(helpers.FIXTURES / "hangs", tmp_path / name)
    (tmp_path / "roster.csv").write_text("hang1,hang1\nhang2,hang2\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lab", "class", "grade", str(tmp_path / "roster.csv"),
         "--out", str(tmp_path / "out"), "--jobs", "2", "--exercises", "06"],
        cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    runners: list = []
    while time.monotonic() < deadline:  # until both learners' exercises run
        runners = [  # the runners themselves, not the bwrap that confines each
            p for p in helpers.class_processes()
            if p.name() != "bwrap" and "lab.grading.inside" in " ".join(p.cmdline())
        ]  # fmt: skip
        if len(runners) == 2:
            break
        time.sleep(0.2)
    assert len(runners) == 2, proc.stderr.read1().decode() if proc.stderr else ""
    host = os.readlink("/proc/self/ns/net")
    boxes = {os.readlink(f"/proc/{p.pid}/ns/net") for p in runners}
    assert len(boxes) == 2 and host not in boxes  # each learner in a network of its own
    everything = {os.readlink(f"/proc/{p.pid}/ns/net") for p in helpers.class_processes()}
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert proc.returncode == 130
    time.sleep(0.5)
    assert helpers.class_processes() == []
    held = set()
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            held.add(os.readlink(f"/proc/{pid}/ns/net"))
        except OSError:
            pass
    assert not (everything - {host}) & held  # no box's network outlives it
    assert not list(Path("/tmp").glob("gevent-lab-class-*/hang1"))


MERGE_NAMES = ("ann", "ben", "cat", "dan")


def test_two_shards_merged_give_the_single_runs_summary(tmp_path):
    sources = {"ann": "solutions", "ben": "wrong", "cat": "crashes", "dan": "solutions"}
    lines = []
    for name, what in sources.items():
        src = helpers.SOLUTIONS if what == "solutions" else helpers.FIXTURES / what
        helpers.copy_folder(src, tmp_path / name, only=("01", "02", "03"))
        lines.append(f"{name},{name}")
    (tmp_path / "roster.csv").write_text("\n".join(lines) + "\nbad line\n")

    def grade(out: str, *extra: str):
        return run_lab("class", "grade", str(tmp_path / "roster.csv"), "--out", str(tmp_path / out),
                       "--exercises", "01,02,03", "--seed", "3", "--jobs", "2", *extra,
                       env=env(), timeout=300)  # fmt: skip

    grade("single")
    grade("s1", "--shard", "1/2")
    grade("s2", "--shard", "2/2")
    in_s1 = [p.name for p in (tmp_path / "s1" / "learners").iterdir() if not p.name.startswith(".")]
    assert 0 < len(in_s1) < 4  # both shards have learners
    merged = run_lab("class", "merge", str(tmp_path / "s1"), str(tmp_path / "s2"),
                     "--out", str(tmp_path / "merged"), env=env())  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    single, both = tmp_path / "single", tmp_path / "merged"
    assert (single / "class.csv").read_bytes() == (both / "class.csv").read_bytes()

    def without_time(path: Path) -> str:
        lines = path.read_text().splitlines()
        return "\n".join(ln for ln in lines if "generated" not in ln)

    assert without_time(single / "class.json") == without_time(both / "class.json")
    assert without_time(single / "index.html") == without_time(both / "index.html")
    data = json.loads((both / "class.json").read_text())
    assert [lr["learner"] for lr in data["learners"]] == list(MERGE_NAMES)
    assert data["roster_errors"] == [
        {"line": 5, "message": "expected learner,source[,ref] but found 1 column(s)"}
    ]
    clash = run_lab("class", "merge", str(tmp_path / "s1"), str(tmp_path / "single"),
                    "--out", str(tmp_path / "m2"), env=env())  # fmt: skip
    assert clash.returncode == 1 and "is in both" in clash.stderr


def test_without_a_sandbox_it_refuses_unless_told_the_code_is_trusted(tmp_path):
    from lab import sandbox
    from lab.classroom import box
    from lab.errors import LabError

    absent = sandbox.Support(None, False, False, "missing: bwrap")
    with pytest.raises(LabError) as refused:
        box.choose(False, absent)
    assert str(refused.value) == (
        "no sandbox for learner code on this machine (missing: bwrap)\n"
        "  Install bubblewrap (apt-get install bubblewrap), or add --unsandboxed if you trust"
        " every learner's code."
    )
    assert box.choose(True, absent) in ("netns", "ports")

    helpers.copy_folder(helpers.SOLUTIONS, tmp_path / "ann", only=("01", "04"))
    helpers.copy_folder(helpers.FIXTURES / "missing_join", tmp_path / "ben")
    (tmp_path / "roster.csv").write_text("ann,ann\nben,ben\n")
    proc = run_lab("class", "grade", str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"),
                   "--exercises", "01,04", "--jobs", "2", "--unsandboxed", env=env(), timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "out" / "class.csv").read_text().splitlines()
    assert rows == ["learner,ex01,ex04,total", "ann,1,1,2", "ben,0,0,0"]
    ann = json.loads((tmp_path / "out" / "learners" / "ann" / "result.json").read_text())
    assert ann["sandbox"] == ("netns" if os.geteuid() == 0 else "ports")
