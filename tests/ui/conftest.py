"""The dashboard under test: a real ``gevent-lab ui`` subprocess on a free port against the
session's lab (``lab_cfg``), and Debian's Chromium driven by Playwright.

Tests marked ``browser`` are skipped when ``/usr/bin/chromium`` (or Playwright) is absent,
so ``make test`` runs everywhere; CI's browser stage installs Chromium and runs them.
Screenshots go to ``reports/`` (``ui-*.png``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from lab.config import REPO_ROOT, LabConfig
from lab.net import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "reports"
START_TIMEOUT_S = 30.0


def browser_missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is absent (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    why = browser_missing()
    if why:
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=why))


@dataclass
class UIServer:
    url: str
    port: int
    report_dir: Path
    proc: subprocess.Popen
    log: Path

    def state(self) -> dict:
        return requests.get(self.url + "/api/state", timeout=5).json()


def start_ui(lab: LabConfig, report_dir: Path, log: Path) -> UIServer:
    port = free_port()
    env = {**os.environ, **lab.to_env(), "LAB_LANG": "en", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "lab", "ui", "--port", str(port)]
    cmd += ["--report-dir", str(report_dir), "--target", "solutions"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = UIServer(f"http://127.0.0.1:{port}", port, report_dir, proc, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gevent-lab ui exited ({proc.returncode}):\n{log.read_text()}")
        try:
            if server.state()["lab"]["checked"]:
                return server
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.1)
    stop_ui(server)
    raise RuntimeError(
        f"gevent-lab ui did not answer in {START_TIMEOUT_S:.0f} s:\n{log.read_text()}"
    )


def stop_ui(server: UIServer) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=5)


@pytest.fixture(scope="session")
def ui_server(lab_cfg: LabConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UIServer]:
    folder = tmp_path_factory.mktemp("ui")
    server = start_ui(lab_cfg, folder / "reports", folder / "ui.log")
    try:
        yield server
    finally:
        stop_ui(server)


@pytest.fixture(scope="session")
def browser_context() -> Iterator:
    why = browser_missing()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="gevent-lab-chromium-")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context) -> Iterator:
    p = browser_context.new_page()
    p.set_default_timeout(10_000)
    try:
        yield p
    finally:
        p.close()


def screenshot(target, name: str) -> Path:
    """Save a PNG of a page or locator as reports/<name>."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    target.screenshot(path=str(path))
    return path
