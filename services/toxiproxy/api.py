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
from collections.abc import Callable
from http import HTTPStatus

from services.serve import HEARTBEAT_PATH, Heartbeat, RecordQueryError, heartbeat_answer

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
    # decoded first into a NoopToxic, the type known only after this decode
    "attributes": "object:toxics.NoopToxic",
}
# Go's reflect names for the types Toxiproxy decodes into (they appear in its errors)
PROXY_TYPE = "toxiproxy.Proxy"
POPULATE_ITEM_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }'
TOXIC_TYPE = "toxics.ToxicWrapper"
TOXIC_UPDATE_TYPE = (
    'struct { Attributes interface {} "json:\\"attributes\\""; '
    'Toxicity float32 "json:\\"toxicity\\"" }'
)
JSON = "application/json"

# Safe limits (not in Toxiproxy, which has none: see the README)
MAX_BODY = 1024 * 1024  # bytes of request body; 413 past this, checked while reading
MAX_NAME = 256  # characters of a proxy or toxic name
READ_SIZE = 64 * 1024


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


def _too_large(environ) -> ApiError:
    """413; the unread rest of the body is left unread and the connection closed."""
    stream = environ["wsgi.input"]
    try:  # gevent.pywsgi would otherwise read (and drop) the rest before the next request
        stream.chunked_input = False
        stream.position = stream.content_length = 0
    except AttributeError:
        pass
    environ["toxiproxy.close"] = True
    return ApiError(f"request body too large: more than {MAX_BODY} bytes", 413)


def check_name(name: str, where: str = "") -> None:
    """400 for a name that is too long or holds a ``/`` (no URL could reach it again)."""
    if len(name) > MAX_NAME:
        raise ApiError(f"name too long: {len(name)} characters, at most {MAX_NAME}{where}", 400)
    if "/" in name:
        raise ApiError(f"name cannot contain '/'{where}", 400)


def request_id() -> str:
    return os.urandom(10).hex()


class Api:
    """The routes, bound to one registry of proxies."""

    def __init__(
        self,
        registry: Registry,
        proxy_metrics: bool = False,
        runtime_metrics: bool = False,
        heartbeat: Heartbeat | None = None,
    ):
        self.registry = registry
        self.proxy_metrics = proxy_metrics
        self.runtime_metrics = runtime_metrics
        self.heartbeat = heartbeat if heartbeat is not None else Heartbeat()
        P, T = r"(?P<proxy>[^/]+)", r"(?P<toxic>[^/]+)"
        self.routes: list[tuple[re.Pattern[str], dict[str, Callable[..., Response]]]] = [
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
            # The lab's own (not Toxiproxy's): the record of client connections
            (re.compile(r"/lab/links"), {"GET": self.links}),
            (re.compile(r"/lab/upstream/(?P<port>[0-9]{1,5})"), {"GET": self.upstream_owner}),
            # not Toxiproxy's: the lab's liveness record (services/serve.py)
            (re.compile(re.escape(HEARTBEAT_PATH)), {"GET": self.lab_heartbeat}),
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
        if environ.get("toxiproxy.close"):
            headers.append(("Connection", "close"))
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
        """The request's JSON; 413 past MAX_BODY bytes, counted as they arrive (a chunked
        body has no Content-Length to check first), without reading the rest."""
        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > MAX_BODY:
            raise _too_large(environ)
        parts, size = [], 0
        try:
            while part := stream.read(READ_SIZE):
                size += len(part)
                if size > MAX_BODY:
                    raise _too_large(environ)
                parts.append(part)
        except (ValueError, OSError) as err:  # e.g. broken chunked encoding
            raise BAD_REQUEST_BODY.joined(str(err)) from None
        return parse_body(b"".join(parts))

    # -- proxies ----------------------------------------------------------------------
    def proxy_index(self, environ):
        proxies = self.registry.proxies
        return Response(200, dumps({name: proxies[name].to_json() for name in sorted(proxies)}))

    def proxy_create(self, environ):
        spec = decode_struct(
            self.body(environ),
            PROXY_FIELDS,
            {"name": "", "listen": "", "upstream": "", "enabled": True},
            go_type=PROXY_TYPE,
            struct="Proxy",
        )
        for field in ("name", "upstream"):
            if not spec[field]:
                raise MISSING_FIELD.joined(field)
        check_name(spec["name"])
        proxy = self.registry.create(**spec)
        return Response(201, dumps(proxy.to_json()))

    def populate(self, environ):
        proxies: list = []
        error = None
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
        for item in decode_array(value, f"[]{POPULATE_ITEM_TYPE}"):
            specs.append(
                decode_struct(
                    item,
                    PROXY_FIELDS,
                    {"name": "", "listen": "", "upstream": "", "enabled": True},
                    go_type=POPULATE_ITEM_TYPE,
                    struct="",
                )
            )
        for index, spec in enumerate(specs, start=1):
            for field in ("name", "upstream"):
                if not spec[field]:
                    raise MISSING_FIELD.joined(f"{field} at proxy {index}")
            check_name(spec["name"], f" at proxy {index}")
        return specs

    def proxy_show(self, environ, proxy):
        return Response(200, dumps(self.registry.get(proxy).to_json()))

    def proxy_update(self, environ, proxy):
        target = self.registry.get(proxy)
        spec = decode_struct(
            self.body(environ),
            PROXY_FIELDS,
            {
                "name": target.name,
                "listen": target.listen,
                "upstream": target.upstream,
                "enabled": target.enabled,
            },
            go_type=PROXY_TYPE,
            struct="Proxy",
        )
        self.registry.update(target, spec["listen"], spec["upstream"], spec["enabled"])
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
            TOXIC_FIELDS,
            {"name": "", "type": "", "stream": "downstream", "toxicity": 1.0, "attributes": None},
            go_type=TOXIC_TYPE,
            struct="ToxicWrapper",
        )
        if spec["stream"].lower() not in STREAMS:
            raise INVALID_STREAM
        name = spec["name"] or f"{spec['type']}_{spec['stream']}"
        kind = KINDS.get(spec["type"])
        if kind is None:
            raise INVALID_TOXIC_TYPE
        if target.has_toxic(name):
            raise TOXIC_EXISTS
        check_name(name)
        attributes = decode_struct(
            spec["attributes"],
            kind.attributes,
            {attr: 0 for attr in kind.attributes},
            go_type=kind.go_type,
            struct=kind.go_struct,
            path="attributes.",
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
            {"attributes": f"object:{found.kind.go_type}", "toxicity": "float32"},
            {"attributes": None, "toxicity": found.toxicity},
            go_type=TOXIC_UPDATE_TYPE,
            struct="",
        )
        attributes = decode_struct(
            spec["attributes"],
            found.kind.attributes,
            dict(found.attributes),
            go_type=found.kind.go_type,
            struct=found.kind.go_struct,
            path="attributes.",
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

    # -- the lab's own: the record of client connections (services/toxiproxy/connections.py)
    def links(self, environ):
        try:
            page = self.registry.connections.record.read_query(environ.get("QUERY_STRING", ""))
        except RecordQueryError as err:
            raise ApiError(str(err), 400) from None
        return Response(200, dumps(page))

    def upstream_owner(self, environ, port):
        entry = self.registry.connections.owner(int(port))
        if entry is None:
            raise ApiError(f"no proxy connection goes upstream from port {port}", 404)
        return Response(200, dumps({"proxy": entry["proxy"], "client": entry["client"]}))

    def lab_heartbeat(self, environ):
        """The liveness record every lab service serves, plus each proxy's live links, the
        connections it refused (past ``max_links``) and that cap."""
        status, body = heartbeat_answer(self.heartbeat, environ.get("QUERY_STRING", ""))
        if status != 200:
            raise ApiError(body["error"], status)
        body["proxies"] = {
            name: {"links": len(proxy.links), "refused": proxy.refused}
            for name, proxy in sorted(self.registry.proxies.items())
        }
        body["max_links"] = self.registry.max_links
        return Response(200, dumps(body))

    def metrics(self, environ):
        text = metrics.render(
            list(self.registry.proxies.values()), self.proxy_metrics, self.runtime_metrics
        )
        return Response(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")
