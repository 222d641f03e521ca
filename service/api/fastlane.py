"""The fast lane: plain content GETs answered at the WSGI layer from answers the full Flask stack gave at start-up.

Content is static per content version, so the status, headers and bytes Flask sends for a catalog path never
change. They are recorded once (200, and 304 for the matching If-None-Match) and replayed, which spares each
request the request context, hooks, argument parsing and response building (tests/bench/hotpaths.py). The lane
answers only GET/HEAD of a recorded path with no query string, no Origin (CORS) and, when content has several
languages, no Accept-Language; API keys and rate limits are checked as Flask checks them. Anything else, or a
request Flask would refuse, goes to Flask. tests/api/test_fastlane.py proves both give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import parse_etags, unquote_etag
from werkzeug.test import EnvironBuilder

from service.api.limits import RateLimits
from service.api.security import RECORDING, ApiKeys, guarded
from service.api.telemetry import ROUTE_KEY, WSGIApp

Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


@dataclass(frozen=True)
class Recording:
    """What the full stack answered for one path: the route template, the ETag, the 200 and the 304."""

    route: str
    etag: str
    ok: Answer
    not_modified: Answer


def call(app: WSGIApp, path: str, headers: dict[str, str]) -> tuple[Answer, dict[str, Any]]:
    """GET `path` through `app` (Flask without the edge), marked as a recording: the answer and the environ."""
    environ = EnvironBuilder(path=path, method="GET", headers=list(headers.items())).get_environ()
    environ[RECORDING] = True
    started: list[Any] = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: started.extend((status, headers))))
    return (started[0], list(started[1]), body), environ


def record(app: WSGIApp, path: str) -> Recording | None:
    """The answers to GET `path` and to its conditional form; None unless a public, cacheable 200 with an ETag."""
    ok, environ = call(app, path, {})
    headers = dict(ok[1])
    etag = headers.get("ETag")
    if not ok[0].startswith("200 ") or not etag or not headers.get("Cache-Control", "").startswith("public"):
        return None
    not_modified, _ = call(app, path, {"If-None-Match": etag})
    return Recording(environ[ROUTE_KEY], unquote_etag(etag)[0], ok, not_modified)


class FastLane:
    """Replays recorded answers; passes every other request to `app` unchanged."""

    def __init__(self, app: WSGIApp, paths: Iterable[str], keys: ApiKeys, limits: RateLimits, languages: int) -> None:
        self.app = app
        self.keys = keys
        self.limits = limits
        self.negotiates = languages > 1
        found = {path: record(app, path) for path in paths}
        self.recordings = {path: rec for path, rec in found.items() if rec}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        rec = self.recordings.get(path)
        if (
            rec is None
            or method not in ("GET", "HEAD")
            or environ.get("QUERY_STRING")
            or "HTTP_ORIGIN" in environ
            or (self.negotiates and "HTTP_ACCEPT_LANGUAGE" in environ)
        ):
            return self.app(environ, start_response)
        counts: list[tuple[str, str]] = []
        if guarded(method, path, environ):
            key = environ.get("HTTP_X_API_KEY")
            if self.keys.digests and not self.keys.valid(key or ""):
                return self.app(environ, start_response)  # Flask answers 401 or 403
            if self.limits.enabled:
                allowed, counts = self.limits.check(key, environ.get("REMOTE_ADDR") or "-")
                if not allowed:
                    return self.app(environ, start_response)  # Flask answers 429
        given = environ.get("HTTP_IF_NONE_MATCH")
        status, headers, body = rec.not_modified if given and parse_etags(given).contains(rec.etag) else rec.ok
        environ[ROUTE_KEY] = rec.route
        start_response(status, headers + counts)
        return [] if method == "HEAD" else [body]
