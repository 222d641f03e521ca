"""The WSGI edge around Flask, outermost first: trusted proxies, telemetry, the fast lane, then chunked bodies."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from flask import Flask
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from service.web.admission import REFUSED_KEY, Admission
from service.web.catalog import Catalog
from service.web.fastlane import Compute, Edge, FastLane
from service.web.telemetry import Telemetry, WSGIApp

MALFORMED = "The body's chunked transfer encoding is malformed."


def init_edge(
    app: Flask,
    catalog: Catalog,
    admission: Admission,
    posts: dict[str, tuple[Compute, bytes]],
    large_bodies: str,
) -> None:
    """Wrap the finished app: the fast lane records the answers of the whole app, so this is the factory's last step.

    `posts`: POST paths the lane computes (the body function, and an example Flask answers to record its headers);
    `large_bodies`: the path prefix whose bodies may reach CDS_MAX_CONTENT_LENGTH (CDS Hooks' prefetched bundles).
    """
    body_limits = int(app.config["MAX_CONTENT_LENGTH"]), int(app.config["CDS_MAX_CONTENT_LENGTH"])
    inner: WSGIApp = ChunkedBodies(app.wsgi_app, *body_limits, large_bodies)
    if app.config["FAST_LANE"]:
        edge = Edge(admission, len(catalog.kb.languages), int(app.config["MAX_CONTENT_LENGTH"]))
        inner = FastLane(inner, catalog.paths, posts, edge)  # a chunked POST has no Content-Length: not for the lane
    app.wsgi_app = Telemetry(inner)  # type: ignore[method-assign]
    hops = int(app.config["PROXY_HOPS"])
    if hops:  # only behind proxies we run: otherwise X-Forwarded-* say whatever the client says
        # Host and port too: absolute links in cards and FHIR bundles name the address the client called.
        trusted = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        app.wsgi_app = trusted  # type: ignore[method-assign]


class ChunkedBodies:
    """Reads a chunked body whole, up to its route's limit, and passes it to Flask as a body with a Content-Length.

    Werkzeug stops reading a streamed body at the limit as if it had ended (a cut body can parse and be answered),
    and the server's error on malformed chunks would reach Flask as a 500. A body past the limit (every byte counts)
    or malformed goes to Flask marked for refusal (413, 400; service/web/http.py). Bodies with a Content-Length need
    nothing here: Werkzeug refuses one over the limit and the server ends the stream at its length.
    """

    def __init__(self, app: WSGIApp, max_body: int, max_large_body: int, large_prefix: str) -> None:
        self.app = app
        self.max_body = max_body
        self.max_large_body = max_large_body
        self.large_prefix = large_prefix

    def limit(self, path: str) -> int:
        """The route's limit: CDS Hooks calls carry prefetched bundles (cds_hooks.guard raises Flask's to match)."""
        prefix = self.large_prefix
        return self.max_large_body if path == prefix or path.startswith(prefix + "/") else self.max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.app(environ, start_response)
        limit = self.limit(environ.get("PATH_INFO", ""))
        try:
            body = read_at_most(environ["wsgi.input"], limit + 1)
        except Exception:  # the server's errors on bad chunks are its own (gunicorn's ParseException): all the client's
            return self.refuse(BadRequest(MALFORMED), environ, start_response)
        if len(body) > limit:
            return self.refuse(RequestEntityTooLarge(), environ, start_response)
        del environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug ignores a Content-Length next to it
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    def refuse(self, error: Exception, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[REFUSED_KEY] = error
        del environ["HTTP_TRANSFER_ENCODING"]
        environ["CONTENT_LENGTH"] = "0"
        environ["wsgi.input"] = io.BytesIO()
        return self.app(environ, start_response)


def read_at_most(stream: IO[bytes], most: int) -> bytes:
    """Up to `most` bytes of `stream`, fewer only where it ends."""
    out = bytearray()
    while len(out) < most:
        data = stream.read(min(most - len(out), 64 * 1024))
        if not data:
            break
        out += data
    return bytes(out)
