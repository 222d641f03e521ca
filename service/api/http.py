"""Request-wide HTTP behaviour in Flask: the request id and route for telemetry, the content-version header, deep JSON."""

from __future__ import annotations

from flask import Flask, Response, g, request

from service.api.problems import json_too_deep
from service.api.telemetry import REQUEST_ID_KEY, ROUTE_KEY


def init_http(app: Flask, content_version: str) -> None:
    """Register the hooks on `app`."""

    @app.before_request
    def take_request_id() -> None:
        if REQUEST_ID_KEY in request.environ:
            g.request_id = request.environ[REQUEST_ID_KEY]
        request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else "(unmatched)"

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Content-Version"] = content_version
        return response

    app.register_error_handler(RecursionError, json_too_deep)
