"""The class summary in a real browser (Debian's Chromium through Playwright, launched as
tests/ui does): the table of verdicts, the pass rates, the grouped reasons, a learner's
page one click away. Screenshot: reports/class-summary.png."""

from __future__ import annotations

import shutil
import tempfile

import pytest

from tests.classroom import helpers
from tests.cli_process import run_lab, without_lab_variables
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, browser_missing, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing())),
    pytest.mark.skipif(helpers.skip_reason() is not None, reason=str(helpers.skip_reason())),
]


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    helpers.copy_folder(helpers.SOLUTIONS, root / "an")
    helpers.copy_folder(helpers.FIXTURES / "missing_join", root / "binh")
    helpers.copy_folder(helpers.FIXTURES / "blocked", root / "chi")
    helpers.copy_folder(helpers.FIXTURES / "wrong", root / "dung")
    helpers.zip_folder(helpers.SOLUTIONS, root / "em.zip")
    (root / "roster.csv").write_text(
        "an,an\nbinh,binh\nchi,chi\ndung,dung\nem,em.zip\nkhoa,missing\n"
    )
    out = root / "out"
    run_lab("class", "grade", str(root / "roster.csv"), "--out", str(out), "--jobs", "2",
            "--exercises", "01,02,04", env={**without_lab_variables(), "LAB_LANG": "en"},
            timeout=600)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="gevent-lab-chromium-")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 900},
        )  # fmt: skip
        p = context.new_page()
        p.set_default_timeout(10_000)
        yield p
        context.close()
    finally:
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)


def test_the_summary_page_in_a_browser(summary, page):
    assert CHROMIUM
    page.goto((summary / "index.html").as_uri())
    assert page.title() == "gevent-lab: class summary"
    rows = page.locator("tbody tr")
    assert rows.count() == 7  # six learners and the pass rates
    an = page.locator("tr#an td")
    assert an.nth(1).inner_text() == "3"
    assert [m.inner_text() for m in page.locator("tr#binh .mark").all()] == ["TODO", "TODO", "FAIL"]
    assert "returned before joining" in page.locator("tr#binh td").nth(4).inner_text()
    assert "1 learner(s): returned before joining" in page.locator("#ex04").inner_text()
    assert "neither a git URL" in page.locator("tr#khoa").inner_text()
    path = screenshot(page, "class-summary.png")
    assert path.stat().st_size > 10_000
    page.locator("tr#binh td a").first.click()
    assert page.url.endswith("learners/binh/index.html")
    assert "returned before joining" in page.content()
