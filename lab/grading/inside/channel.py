"""The learner's process's end of the grader's channel: events out, the grader's word back.

The runner sends events on a pipe the grader opened (the learner's call began or ended, a
unit of work started or finished, the final result); the grader stamps each line with its
*own* clock as it arrives (lab.grading.events), so replacing ``time.perf_counter`` in the
learner's process changes no time the grader measures. Nothing about the pipes is in argv
or the environment: their descriptors and a random token come over stdin, which the runner
reads to the end before the learner's module is imported.

After each "end" the runner waits for the grader's word on a second pipe (``wait``): while
the learner's process stands still, the grader looks at what it holds (its sockets to the
lab, answers nobody read). Code in this process can always find the descriptors; what it
cannot forge is what the lab's servers saw, and the grader judges from that.

Only modules gevent does not patch are imported here: the runner imports this before the
learner's module (which may monkey-patch).
"""

from __future__ import annotations

import json
import os
from typing import Any

_send = None  # set by connect(): a closure holding the descriptor and the token
_word_fd: int | None = None


def connect(fd: int, token: str, word_fd: int | None = None) -> None:
    """Events from now on go to ``fd``, signed with ``token``; the grader answers on
    ``word_fd``."""
    global _send, _word_fd

    def send(event: str, data: dict[str, Any]) -> None:
        line = json.dumps({"k": token, "e": event, **data}, separators=(",", ":")) + "\n"
        payload = line.encode()
        while payload:  # one os.write is atomic up to PIPE_BUF; results can be longer
            payload = payload[os.write(fd, payload) :]

    _send, _word_fd = send, word_fd


def send(event: str, **data: Any) -> None:
    """Send one event (no-op outside a grading run, e.g. a check imported by a test)."""
    if _send is not None:
        _send(event, data)


def wait(cooperative: bool = False) -> bytes:
    """The grader's next word (one byte; b"" when there is no grader or it is gone).

    By default the whole process waits in a plain ``os.read``: no greenlet runs meanwhile,
    so nothing the learner left running can tidy up while the grader looks. With
    ``cooperative`` the wait lets gevent's loop run (a server the grader is talking to)."""
    if _word_fd is None:
        return b""
    if cooperative:
        from gevent.socket import wait_read

        wait_read(_word_fd)
    try:
        return os.read(_word_fd, 1)
    except OSError:
        return b""
