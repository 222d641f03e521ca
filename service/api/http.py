"""Request-wide HTTP behaviour: request ids, the content-version header, JSON depth errors."""

from __future__ import annotations

import re
import time

from flask import Flask, Response, g, request

from service.api.problems import json_too_deep, request_id

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def elapsed_seconds() -> float:
    """Seconds since this request started."""
    return time.perf_counter() - g.get("started", time.perf_counter())


def init_http(app: Flask, content_version: str) -> None:
    """Register the hooks on `app`."""

    @app.before_request
    def take_request_id() -> None:
        g.started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        if REQUEST_ID.match(given):
            g.request_id = given

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        response.headers["X-Content-Version"] = content_version
        return response

    app.register_error_handler(RecursionError, json_too_deep)
