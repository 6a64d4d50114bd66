"""Start this server in a child process on a free port, and stop it: for tests, bench, grader.

    from services.toxiproxy.launch import start

    with start("-proxy-metrics") as server:  # python -m services.toxiproxy -port 0 ...
        requests.get(f"{server.url}/version")
    # or: server = start(); ...; server.stop()

``start`` runs ``python -m services.toxiproxy -host HOST -port 0 ARGS...`` from the
repository root, under ``python`` or ``$TOXIPROXY_PYTHON`` or this interpreter, and returns
once the server has printed its ``API listening on HOST:PORT`` line (``RuntimeError`` if it
exits or stays silent for ``timeout`` seconds). The server's stderr (its log) is discarded
unless ``stderr`` says otherwise.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
READY = b"API listening on "


@dataclass
class Running:
    """A started server: its process, the address its API listens on, and ``stop()``."""

    process: subprocess.Popen
    host: str
    port: int

    @property
    def url(self) -> str:
        """The API's base URL, e.g. ``http://127.0.0.1:41234``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 5.0) -> int:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _ready_line(process: subprocess.Popen, timeout: float) -> bytes:
    """The first stdout line, or what came before EOF or the deadline."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    line = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                break
            part = os.read(fd, 4096)
            if not part:
                break
            line += part
    return line


def start(
    *args: str,
    host: str = "127.0.0.1",
    python: str | None = None,
    timeout: float = 10.0,
    stderr=subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    preexec_fn=None,
) -> Running:
    """Start the server with ``-host host -port 0`` and extra ``args``; see the module doc.

    ``env`` and ``preexec_fn`` go to ``subprocess.Popen`` (the grader marks its own server
    and has it die with the grader)."""
    return begin(*args, host=host, python=python, stderr=stderr, env=env,
                 preexec_fn=preexec_fn).ready(timeout)  # fmt: skip


def begin(
    *args: str,
    host: str = "127.0.0.1",
    python: str | None = None,
    stderr=subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    preexec_fn=None,
) -> Starting:
    """Start the server and return at once: ``.ready(timeout)`` waits for its API (its
    interpreter starts meanwhile)."""
    python = python or os.environ.get("TOXIPROXY_PYTHON") or sys.executable
    process = subprocess.Popen(
        [python, "-m", "services.toxiproxy", "-host", host, "-port", "0", *args],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
        preexec_fn=preexec_fn,
    )
    return Starting(process, host)


@dataclass
class Starting:
    """A server started, whose API may not listen yet."""

    process: subprocess.Popen
    host: str

    def ready(self, timeout: float = 10.0) -> Running:
        """Wait for its ``API listening on HOST:PORT`` line (``RuntimeError`` if it exits or
        stays silent for ``timeout`` seconds)."""
        line = _ready_line(self.process, timeout)
        _, found, address = line.strip().partition(READY)
        bound_host, _, port = address.decode("utf-8", "replace").rpartition(":")
        if not found or not port.isdigit():
            Running(self.process, self.host, 0).stop(timeout=1)
            raise RuntimeError(f"toxiproxy did not start: {line!r}")
        return Running(self.process, bound_host.strip("[]"), int(port))
