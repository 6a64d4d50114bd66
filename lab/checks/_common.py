"""Small helpers shared by the checks: random inputs nobody can hard-code, and httpbin's own
answers (the references the learner's answers are compared with).

Like every check module this imports nothing heavy at module level: checks are imported in
the learner's subprocess right after the learner's module, and must not import socket, ssl,
requests or gevent before the learner's monkey patching could have happened. The rules the
checks judge by are in lab.grading.rules; what runs around the learner's call is in
lab.grading.inside.timed.
"""

from __future__ import annotations

import base64
import hashlib
import string

# Grader-side HTTP calls go straight to httpbin on localhost; more than this means the lab
# is wedged, not that the learner is slow.
DIRECT_TIMEOUT = 10.0


def token(rng, length: int = 10) -> str:
    """A random lowercase word: inputs nobody can hard-code."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def b64_path(text: str) -> str:
    """httpbin's ``/base64/<value>`` path, which answers with ``text`` decoded."""
    return "/base64/" + base64.urlsafe_b64encode(text.encode()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def direct(ctx, path: str):
    """httpbin's own answer to ``path`` (no proxy, no latency): the reference. A Response."""
    import requests

    return requests.get(ctx.httpbin_direct_url + path, timeout=DIRECT_TIMEOUT)


def served(ctx, paths) -> dict:
    """httpbin's own answers to every path (path -> Response): the references of a whole
    case, asked at once (those ``prefetch`` asked during setup are ready by now)."""
    unique = list(dict.fromkeys(paths))
    prefetch(ctx, unique)  # any that setup did not ask for
    return ctx.answers(unique)


def prefetch(ctx, paths) -> None:
    """Ask httpbin for its own answers to ``paths`` now, 8 at a time (from a check's
    ``setup``: while the learner's process imports), so that ``served`` has them ready in
    ``verify`` and the reference fetch no longer delays the verdict."""
    ctx.prefetch(list(paths), lambda p: direct(ctx, p))


def plain(value, keys: tuple[str, ...]):
    """A learner's result made JSON-safe for the grader: a dict's ``keys``, None as None,
    anything else described (an exception object is named as one)."""
    if isinstance(value, dict):
        return {k: value.get(k) for k in keys}
    if value is None:
        return None
    if isinstance(value, BaseException):
        return {"_exception": f"{value!r:.120}"}
    return {"_value": f"{value!r:.120}"}


def plain_list(values, keys: tuple[str, ...]):
    """``plain`` for a list of results; anything but a list is described as a whole."""
    if not isinstance(values, list):
        return {"_type": type(values).__name__, "_value": f"{values!r:.120}"}
    return [plain(v, keys) for v in values]


def path_of(url: str) -> str:
    """The path and query of ``url``, as httpbin records it."""
    from urllib.parse import urlsplit

    parts = urlsplit(str(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")
