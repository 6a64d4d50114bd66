"""Toxiproxy's HTTP API as a WSGI app: same routes, status codes, bodies and quirks.

Routing follows gorilla/mux as Toxiproxy uses it: a path that matches no route is a plain
``404 page not found``; a known path with the wrong method is a 405 with an empty body;
matched routes get an ``X-Toxiproxy-Request-Id`` and refuse browsers (403).
"""

from __future__ import annotations

import json
import logging
import os
import re
from http import HTTPStatus

from . import VERSION, metrics
from .decode import decode_array, decode_struct, parse_body
from .errors import (
    BAD_REQUEST_BODY,
    INVALID_STREAM,
    INVALID_TOXIC_TYPE,
    MISSING_FIELD,
    TOXIC_EXISTS,
    ApiError,
    server_error,
)
from .registry import Registry
from .toxics import KINDS, STREAMS, Toxic

log = logging.getLogger("toxiproxy.api")

PROXY_FIELDS = {"name": "string", "listen": "string", "upstream": "string", "enabled": "bool"}
TOXIC_FIELDS = {
    "name": "string",
    "type": "string",
    "stream": "string",
    "toxicity": "float32",
    "attributes": "object",
}
TOXIC_UPDATE_FIELDS = {"attributes": "object", "toxicity": "float32"}
JSON = "application/json"


def dumps(value) -> bytes:
    """JSON as Go's json.Marshal writes it (compact, HTML characters escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text.encode("utf-8", errors="replace")


class Response:
    def __init__(self, status: int, body: bytes = b"", content_type: str | None = JSON):
        self.status = status
        self.body = body
        self.headers = [("Content-Type", content_type)] if content_type and body else []

    @classmethod
    def error(cls, err: ApiError) -> Response:
        """Go's http.Error: text/plain, the JSON error, a newline."""
        response = cls(err.status, dumps(err.as_dict()) + b"\n", "text/plain; charset=utf-8")
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        return response


def request_id() -> str:
    return os.urandom(10).hex()


class Api:
    """The routes, bound to one registry of proxies."""

    def __init__(
        self, registry: Registry, proxy_metrics: bool = False, runtime_metrics: bool = False
    ):
        self.registry = registry
        self.proxy_metrics = proxy_metrics
        self.runtime_metrics = runtime_metrics
        P, T = r"(?P<proxy>[^/]+)", r"(?P<toxic>[^/]+)"
        self.routes = [
            (re.compile(r"/reset"), {"POST": self.reset}),
            (re.compile(r"/proxies"), {"GET": self.proxy_index, "POST": self.proxy_create}),
            (re.compile(r"/populate"), {"POST": self.populate}),
            (
                re.compile(rf"/proxies/{P}"),
                {
                    "GET": self.proxy_show,
                    "POST": self.proxy_update,
                    "PATCH": self.proxy_update,
                    "DELETE": self.proxy_delete,
                },
            ),
            (
                re.compile(rf"/proxies/{P}/toxics"),
                {"GET": self.toxic_index, "POST": self.toxic_create},
            ),
            (
                re.compile(rf"/proxies/{P}/toxics/{T}"),
                {
                    "GET": self.toxic_show,
                    "POST": self.toxic_update,
                    "PATCH": self.toxic_update,
                    "DELETE": self.toxic_delete,
                },
            ),
            (re.compile(r"/version"), {"GET": self.version}),
        ]
        if proxy_metrics or runtime_metrics:
            self.routes.append((re.compile(r"/metrics"), {"*": self.metrics}))

    # -- WSGI -------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            response = self.dispatch(environ)
        except Exception as err:  # a bug must cost one request, never the server
            log.exception("unexpected error")
            response = Response.error(server_error(err))
        reason = HTTPStatus(response.status).phrase
        headers = response.headers + [("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []  # headers only, as Go's net/http answers HEAD
        return [response.body]

    def dispatch(self, environ) -> Response:
        path = environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8", "replace")
        method = environ.get("REQUEST_METHOD", "GET")
        for pattern, handlers in self.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            handler = handlers.get(method) or handlers.get("*")
            if handler is None:
                return Response(405)
            response = self.guarded(handler, environ, match.groupdict())
            response.headers.append(("X-Toxiproxy-Request-Id", request_id()))
            return response
        return Response(404, b"404 page not found\n", "text/plain; charset=utf-8")

    def guarded(self, handler, environ, args) -> Response:
        if environ.get("HTTP_USER_AGENT", "").startswith("Mozilla/"):
            return Response(403, b"User agent not allowed\n", "text/plain; charset=utf-8")
        try:
            return handler(environ, **args)
        except ApiError as err:
            return Response.error(err)

    @staticmethod
    def body(environ) -> object:
        try:
            raw = environ["wsgi.input"].read()
        except (ValueError, OSError) as err:  # e.g. broken chunked encoding
            raise BAD_REQUEST_BODY.joined(str(err)) from None
        return parse_body(raw)

    # -- proxies ----------------------------------------------------------------------
    def proxy_index(self, environ):
        proxies = self.registry.proxies
        return Response(200, dumps({name: proxies[name].to_json() for name in sorted(proxies)}))

    def proxy_create(self, environ):
        spec = decode_struct(
            self.body(environ),
            "toxiproxy.Proxy",
            PROXY_FIELDS,
            {"name": "", "listen": "", "upstream": "", "enabled": True},
        )
        for field in ("name", "upstream"):
            if not spec[field]:
                raise MISSING_FIELD.joined(field)
        proxy = self.registry.create(**spec)
        return Response(201, dumps(proxy.to_json()))

    def populate(self, environ):
        proxies, error = [], None
        try:
            specs = self.populate_specs(self.body(environ))
            proxies, error = self.registry.populate(specs)
        except ApiError as err:
            error = err
        body = error.as_dict() if error else {}
        body["proxies"] = [p.to_json() for p in proxies] or None
        return Response(error.status if error else 201, dumps(body))

    @staticmethod
    def populate_specs(value) -> list[dict]:
        """Validate the whole array before anything is created, like Toxiproxy."""
        specs = []
        for item in decode_array(value, "[]toxiproxy.Proxy"):
            specs.append(
                decode_struct(
                    item,
                    "toxiproxy.Proxy",
                    PROXY_FIELDS,
                    {"name": "", "listen": "", "upstream": "", "enabled": True},
                )
            )
        for index, spec in enumerate(specs, start=1):
            for field in ("name", "upstream"):
                if not spec[field]:
                    raise MISSING_FIELD.joined(f"{field} at proxy {index}")
        return specs

    def proxy_show(self, environ, proxy):
        return Response(200, dumps(self.registry.get(proxy).to_json()))

    def proxy_update(self, environ, proxy):
        target = self.registry.get(proxy)
        spec = decode_struct(
            self.body(environ),
            "toxiproxy.Proxy",
            PROXY_FIELDS,
            {
                "name": target.name,
                "listen": target.listen,
                "upstream": target.upstream,
                "enabled": target.enabled,
            },
        )
        with self.registry.lock:
            target.update(spec["listen"], spec["upstream"], spec["enabled"])
        return Response(200, dumps(target.to_json()))

    def proxy_delete(self, environ, proxy):
        self.registry.remove(proxy)
        return Response(204)

    def reset(self, environ):
        self.registry.reset()
        return Response(204)

    # -- toxics -----------------------------------------------------------------------
    def toxic_index(self, environ, proxy):
        target = self.registry.get(proxy)
        return Response(200, dumps([toxic.to_json() for toxic in target.toxics()]))

    def toxic_create(self, environ, proxy):
        target = self.registry.get(proxy)
        body = self.body(environ)
        spec = decode_struct(
            body,
            "toxics.ToxicWrapper",
            TOXIC_FIELDS,
            {"name": "", "type": "", "stream": "downstream", "toxicity": 1.0, "attributes": None},
        )
        if spec["stream"].lower() not in STREAMS:
            raise INVALID_STREAM
        name = spec["name"] or f"{spec['type']}_{spec['stream']}"
        kind = KINDS.get(spec["type"])
        if kind is None:
            raise INVALID_TOXIC_TYPE
        if target.has_toxic(name):
            raise TOXIC_EXISTS
        attributes = decode_struct(
            spec["attributes"],
            kind.go_struct,
            kind.attributes,
            {attr: 0 for attr in kind.attributes},
        )
        toxic = Toxic(name, spec["type"], spec["stream"], spec["toxicity"], attributes)
        target.add_toxic(toxic)
        return Response(200, dumps(toxic.to_json()))

    def toxic_show(self, environ, proxy, toxic):
        return Response(200, dumps(self.registry.get(proxy).find_toxic(toxic).to_json()))

    def toxic_update(self, environ, proxy, toxic):
        target = self.registry.get(proxy)
        found = target.find_toxic(toxic)
        spec = decode_struct(
            self.body(environ),
            "toxics.ToxicWrapper",
            TOXIC_UPDATE_FIELDS,
            {"attributes": None, "toxicity": found.toxicity},
        )
        attributes = decode_struct(
            spec["attributes"], found.kind.go_struct, found.kind.attributes, dict(found.attributes)
        )
        target.update_toxic(found, attributes, spec["toxicity"])
        return Response(200, dumps(found.to_json()))

    def toxic_delete(self, environ, proxy, toxic):
        self.registry.get(proxy).remove_toxic(toxic)
        return Response(204)

    # -- misc -------------------------------------------------------------------------
    def version(self, environ):
        body = ('{"version": "%s"}\n' % VERSION).encode()
        return Response(200, body, "application/json;charset=utf-8")

    def metrics(self, environ):
        text = metrics.render(
            list(self.registry.proxies.values()), self.proxy_metrics, self.runtime_metrics
        )
        return Response(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")
