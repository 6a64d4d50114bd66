"""The grader's own Toxiproxy-compatible server, for the extra proxies checks ask for.

``ctx.make_proxy(upstream)`` puts a proxy in front of an address on *this* machine (httpbin's
direct port, the learner's own server) and the learner's code dials it from here. The lab's
Toxiproxy cannot always do that: under the Docker backend it sits on a bridge network, where
it can neither reach the host's 127.0.0.1 nor listen on a port the host can dial. So extra
proxies live on a private server (services.toxiproxy.launch) that the grader starts on a free
port the first time one is needed, and stops when the grader exits.
"""

from __future__ import annotations

import atexit
import os

from lab.grading import containment
from services.toxiproxy import launch

_server: launch.Running | None = None
_starting: launch.Starting | None = None


def address() -> tuple[str, int]:
    """(host, port) of the private server's API, starting it if it is not running."""
    global _server, _starting
    if _server is None or _server.process.poll() is not None:
        starting, _starting = _starting or _begin(), None
        _server = starting.ready()
    return _server.host, _server.port


def warm() -> None:
    """Start the server now and return at once, if it is not running: its interpreter
    starts while the grader does something else (an exercise that will make a proxy).
    Started from this (the main) thread: it dies with the thread that started it."""
    global _starting
    if _starting is None and (_server is None or _server.process.poll() is not None):
        _starting = _begin()


def _begin() -> launch.Starting:
    marks = containment.marks()
    env = {**os.environ, containment.OWN_MARK: marks.pop(containment.MARK), **marks}
    return launch.begin(env=env, preexec_fn=containment.die_with_parent)


@atexit.register
def stop() -> None:
    """Stop the private server (at the grader's exit)."""
    global _server, _starting
    if _starting is not None:
        _server, _starting = launch.Running(_starting.process, "", 0), None
    if _server is not None:
        _server.stop()
        _server = None
