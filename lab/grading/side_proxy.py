"""The grader's own Toxiproxy-compatible server, for the extra proxies specs ask for.

``ctx.make_proxy(upstream)`` puts a proxy in front of an address on *this* machine (httpbin's
direct port, the learner's own server) and the learner's code dials it from here. The lab's
Toxiproxy cannot always do that: under the Docker backend it sits on a bridge network, where
it can neither reach the host's 127.0.0.1 nor listen on a port the host can dial. So extra
proxies live on a private server that the grader starts on a free port the first time one is
needed, and stops when the grader exits. The lab's own proxies stay untouched.
"""

from __future__ import annotations

import atexit
import re
import subprocess
import sys

from lab.config import REPO_ROOT

_LISTENING = re.compile(r"listening on ([\d.]+):(\d+)")
_server: subprocess.Popen | None = None
_address: tuple[str, int] | None = None


def address() -> tuple[str, int]:
    """(host, port) of the private server's API, starting it if it is not running."""
    global _server, _address
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen(
            [sys.executable, "-m", "services.toxiproxy", "-host", "127.0.0.1", "-port", "0"],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert _server.stdout is not None
        line = _server.stdout.readline()
        match = _LISTENING.search(line)
        if not match:
            stop()
            raise RuntimeError(f"the grader's own Toxiproxy did not start: {line!r}")
        _address = (match.group(1), int(match.group(2)))
    assert _address is not None
    return _address


@atexit.register
def stop() -> None:
    """Stop the private server (at exit, or when it failed to start)."""
    global _server, _address
    if _server is None:
        return
    _server.terminate()
    try:
        _server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _server.kill()
        _server.wait()
    if _server.stdout is not None:
        _server.stdout.close()
    _server = _address = None
