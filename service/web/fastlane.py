"""The fast lane: hot requests answered at the WSGI layer, with the headers the full Flask stack gave for them.

Content is static per content version, so the status, headers and bytes Flask sends for a catalog path never
change: they are recorded once per worker (200, and 304 for the matching If-None-Match) and replayed. POST
/v1/recommendations keeps Flask's recorded headers and computes only the body. Either way a request is spared the
request context, hooks, argument parsing and response building (tests/bench/hotpaths.py). The lane takes only
requests with no query string, no Origin (CORS) and, when content has several languages, no Accept-Language; it
checks API keys and rate limits as Flask does. Anything else, or any doubt (a body that does not parse or validate),
goes to Flask, which answers as it always has. tests/web/test_fastlane.py proves both give the same answers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import parse_etags, unquote_etag
from werkzeug.test import EnvironBuilder

from service.web.admission import Admission
from service.web.security import RECORDING
from service.web.telemetry import ROUTE_KEY, WSGIApp

# The Flask hooks a request the lane answers would run, as (blueprint or None for the app, kind, function name), and
# how the lane gives the same answer: admit by the same Admission; finish and CORS's hook by replaying the headers
# Flask sent (a request with Origin goes to Flask); require_json as the lane computes only application/json bodies.
# tests/web/test_fastlane.py fails when a hook is added on the lane's paths: teach the lane, or keep it off them.
REPLICATED_HOOKS = {
    (None, "before_request", "admit"),
    (None, "after_request", "finish"),
    (None, "after_request", "cors_after_request"),
    ("Recommendations", "before_request", "require_json"),
}

Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body
Compute = Callable[[bytes], "bytes | None"]  # a request body -> the answer's body, or None to let Flask answer


def call(app: WSGIApp, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[Answer, str]:
    """One request through `app` (Flask without the edge), marked as a recording: the answer and the route."""
    environ = EnvironBuilder(path=path, method=method, headers=list(headers.items()), data=body).get_environ()
    environ[RECORDING] = True
    started: list[Any] = []
    answer = b"".join(app(environ, lambda status, headers, exc_info=None: started.extend((status, headers))))
    return (started[0], list(started[1]), answer), environ[ROUTE_KEY]


@dataclass(frozen=True)
class Recording:
    """What the full stack answered to GET of one path: the route template, the ETag, the 200 and the 304."""

    route: str
    etag: str
    ok: Answer
    not_modified: Answer

    @classmethod
    def of(cls, app: WSGIApp, path: str) -> Recording | None:
        """None unless the answer is a public, cacheable 200 with an ETag."""
        ok, route = call(app, "GET", path, {})
        headers = dict(ok[1])
        etag = headers.get("ETag")
        if not ok[0].startswith("200 ") or not etag or not headers.get("Cache-Control", "").startswith("public"):
            return None
        not_modified, _ = call(app, "GET", path, {"If-None-Match": etag})
        return cls(route, unquote_etag(etag)[0], ok, not_modified)


@dataclass(frozen=True)
class Post:
    """A POST whose body the lane computes; status and headers (but Content-Length) are Flask's for `example`."""

    route: str
    status: str
    headers: list[tuple[str, str]]
    compute: Compute

    @classmethod
    def of(cls, app: WSGIApp, path: str, compute: Compute, example: bytes) -> Post | None:
        """None unless Flask answers `example` with a 200 whose body is exactly what `compute` gives."""
        (status, headers, body), route = call(app, "POST", path, {"Content-Type": "application/json"}, example)
        if not status.startswith("200 ") or compute(example) != body:
            return None
        return cls(route, status, [(k, v) for k, v in headers if k != "Content-Length"], compute)


class FastLane:
    """Replays recorded answers and computes lane POSTs; passes every other request to `app` unchanged.

    Each path is recorded the first time a worker is asked for it (two calls through Flask, about a millisecond),
    not at start-up: readiness does not wait for it, and the app stays open to setup until it serves.
    """

    def __init__(self, app: WSGIApp, gets: Iterable[str], posts: dict[str, tuple[Compute, bytes]], edge: Edge) -> None:
        self.app = app
        self.edge = edge
        self.get_paths = frozenset(gets)
        self.post_specs = posts
        self.gets: dict[str, Recording | None] = {}
        self.posts: dict[str, Post | None] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if self.edge.plain(environ):
            if method in ("GET", "HEAD") and path in self.get_paths:
                if path not in self.gets:
                    self.gets[path] = Recording.of(self.app, path)
                rec = self.gets[path]
                if rec:
                    return self.replay(rec, environ, start_response)
            elif method == "POST" and path in self.post_specs:
                if path not in self.posts:
                    self.posts[path] = Post.of(self.app, path, *self.post_specs[path])
                post = self.posts[path]
                if post:
                    return self.compute(post, environ, start_response)
        return self.app(environ, start_response)

    def replay(self, rec: Recording, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        counts = self.edge.admit(environ)
        if counts is None:
            return self.app(environ, start_response)
        given = environ.get("HTTP_IF_NONE_MATCH")
        status, headers, body = rec.not_modified if given and parse_etags(given).contains(rec.etag) else rec.ok
        environ[ROUTE_KEY] = rec.route
        start_response(status, headers + counts)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def compute(self, post: Post, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = self.edge.json_length(environ)
        counts = None if length is None else self.edge.admit(environ)
        if counts is None:
            return self.app(environ, start_response)
        sent = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(sent)  # Flask reads it again when the lane passes the request on
        body = post.compute(sent)
        if body is None:
            return self.app(environ, start_response)
        environ[ROUTE_KEY] = post.route
        start_response(post.status, [*post.headers, ("Content-Length", str(len(body))), *counts])
        return [body]


@dataclass(frozen=True)
class Edge:
    """What the lane checks before answering: a plain request, a JSON body Flask would read, and admission."""

    admission: Admission  # the very rules Flask's before-request hook applies (service/web/admission.py)
    languages: int
    max_body: int

    def plain(self, environ: dict[str, Any]) -> bool:
        """No query string, no CORS, no language to negotiate, no chunked body (Flask counts it against the limit)."""
        return not (
            environ.get("QUERY_STRING")
            or "HTTP_ORIGIN" in environ
            or "HTTP_TRANSFER_ENCODING" in environ
            or (self.languages > 1 and "HTTP_ACCEPT_LANGUAGE" in environ)
        )

    def json_length(self, environ: dict[str, Any]) -> int | None:
        """The length of an application/json body within the limit; None for anything else (chunked, too large)."""
        length = environ.get("CONTENT_LENGTH", "")
        mimetype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if mimetype != "application/json" or not length.isdigit() or int(length) > self.max_body:
            return None
        return int(length)

    def admit(self, environ: dict[str, Any]) -> list[tuple[str, str]] | None:
        """The rate-limit headers for an admitted request; None when Flask must answer (a refusal: 429, 401, 403).

        The request is counted once: Flask's hook finds the count in the environ when the lane passes it on.
        """
        verdict = self.admission.check(environ)
        return verdict.counts if verdict.refused is None else None
