"""The lab's httpbin: the ``httpbin`` package's Flask app, with a few views made uniform.

The lab runs PyPI's httpbin 0.10 on the host and Debian's 0.7.0 in the Docker image. Both are
wrapped here so that the endpoints exercises use answer the same way in both:

- ``/bytes/<n>`` and ``/stream-bytes/<n>``: httpbin's bytes exactly (``random.randint`` per
  byte, capped at 100 KiB as both versions do), but from a ``random.Random`` of the request's
  own. httpbin reseeds the *global* generator, so under gevent two concurrent seeded
  ``/stream-bytes`` downloads interleave its stream and both get the wrong bytes.
- ``/delay/<n>``: fractional seconds, capped at 10 s as in httpbin; a bad value is a 400
  instead of a 500 traceback; every method, as in 0.10 (0.7.0 takes GET only).
- ``/base64/<value>``: invalid input gets 0.10's hint text (0.7.0 answers 500).
- JSON bodies are indented in both (Flask 2.2 would make them compact).
- ``/lab/blob/<n>?seed=S``: a download whose bytes are documented and version-independent
  (see ``blob.py``), with an ``X-Content-SHA256`` header.

Call ``build_app()`` after gevent's monkey patching (the server does), because httpbin's
views sleep with ``time.sleep``.
"""

import base64
import logging
import math
import random

import gevent
from flask import Response, jsonify, request

from .blob import MAX_BLOB_BYTES, blob, sha256_hex

BYTES_LIMIT = 100 * 1024  # httpbin's own cap for /bytes and /stream-bytes
MAX_DELAY_S = 10.0  # httpbin's own cap for /delay
STREAM_CHUNK = 10 * 1024  # httpbin's default chunk_size for /stream-bytes
DELAY_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"]
BASE64_HINT = "Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l"


def _quiet_flasgger_warning():
    """httpbin 0.10 logs a warning at import when flasgger (Swagger UI) is absent: drop it."""
    logging.getLogger("httpbin.core").addFilter(
        lambda record: "flasgger" not in record.getMessage()
    )


_app = None


def build_app():
    """httpbin's Flask app with the lab's overrides (built once: httpbin's app is global)."""
    global _app
    if _app is None:
        _quiet_flasgger_warning()
        from httpbin.core import app

        _override_views(app)
        if hasattr(app, "json"):  # Flask >= 2.2
            app.json.compact = False
        _app = app
    return _app


def _override_views(app):
    for endpoint, view in [
        ("random_bytes", _random_bytes),
        ("stream_random_bytes", _stream_random_bytes),
        ("delay_response", _delay_response),
        ("decode_base64", _decode_base64),
    ]:
        view.__doc__ = app.view_functions[endpoint].__doc__
        app.view_functions[endpoint] = view
    # 0.7.0 answers /delay to GET only, 0.10 to every method: give both 0.10's rule.
    app.add_url_rule("/delay/<delay>", "delay_response", _delay_response, methods=DELAY_METHODS)
    app.add_url_rule("/lab/blob/<int:n>", "lab_blob", _lab_blob)


def _own_random():
    """A generator for this request: seeded from ``?seed=`` if given, like httpbin."""
    seed = request.args.get("seed")
    return random.Random(int(seed)) if seed is not None else random.Random()


def _random_bytes(n):
    rng = _own_random()
    n = min(n, BYTES_LIMIT)
    data = bytes(rng.randint(0, 255) for _ in range(n))
    return Response(data, content_type="application/octet-stream")


def _stream_random_bytes(n):
    rng = _own_random()
    n = min(n, BYTES_LIMIT)
    chunk_size = max(1, int(request.args.get("chunk_size", STREAM_CHUNK)))

    def generate():
        left = n
        while left:
            size = min(chunk_size, left)
            yield bytes(rng.randint(0, 255) for _ in range(size))
            left -= size

    return Response(generate(), content_type="application/octet-stream")


def _delay_response(delay):
    from httpbin.helpers import get_dict

    try:
        seconds = float(delay)
    except ValueError:
        seconds = math.nan
    if not seconds >= 0:  # also rejects NaN
        return Response("delay must be a number of seconds >= 0\n", status=400)
    gevent.sleep(min(seconds, MAX_DELAY_S))
    return jsonify(get_dict("url", "args", "form", "data", "origin", "headers", "files"))


def _decode_base64(value):
    try:
        return base64.urlsafe_b64decode(value.encode("utf-8")).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return BASE64_HINT


def _lab_blob(n):
    try:
        seed = int(request.args.get("seed", 0))
    except ValueError:
        return jsonify(error="seed must be an integer"), 400
    if n > MAX_BLOB_BYTES:
        return jsonify(error="at most %d bytes" % MAX_BLOB_BYTES), 400
    data = blob(n, seed)
    response = Response(data, content_type="application/octet-stream")
    response.headers["X-Content-SHA256"] = sha256_hex(data)
    response.headers["X-Blob-Seed"] = str(seed)
    return response
