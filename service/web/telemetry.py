"""Per-request telemetry at the WSGI edge, around the fast lane and Flask alike: request id, access line, metrics."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from service.web.logs import log_access
from service.web.metrics import method_label, observe

REQUEST_ID_KEY = "service.request_id"  # environ keys shared with the Flask hooks (service/web/http.py)
ROUTE_KEY = "service.route"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def new_request_id() -> str:
    """A fresh request id: 32 random hex digits."""
    return secrets.token_hex(16)


class Telemetry:
    """Give each request an id (the caller's X-Request-ID if well formed), echo it, then log and count the answer."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = environ[REQUEST_ID_KEY] = given if REQUEST_ID.match(given) else new_request_id()
        status = "500"

        def respond(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal status
            status = status_line[:3]
            headers.append(("X-Request-ID", rid))
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, respond)
        finally:
            seconds = time.perf_counter() - started
            method, route = environ["REQUEST_METHOD"], environ.get(ROUTE_KEY, "(unmatched)")
            log_access(rid, method_label(method), route, int(status), seconds)  # a made-up method is client text
            observe(method, route, status, seconds)
