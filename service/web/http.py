"""Request-wide HTTP behaviour in Flask: request id and route for telemetry, bodies refused at the edge, the
content-version header, deep JSON."""

from __future__ import annotations

from flask import Flask, Response, g, request

from service.web.problems import json_too_deep
from service.web.telemetry import REQUEST_ID_KEY, ROUTE_KEY

REFUSED_KEY = "service.refused"  # environ: the HTTPException the edge's body reader chose (service/web/edge.py)


def init_http(app: Flask, content_version: str) -> None:
    """Register the hooks on `app`."""

    @app.before_request
    def take_request_id() -> None:
        if REQUEST_ID_KEY in request.environ:
            g.request_id = request.environ[REQUEST_ID_KEY]
        request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else "(unmatched)"

    @app.before_request
    def refuse_body() -> None:
        """Before keys and limits: a body the edge could not take (413, 400) is refused whoever sends it."""
        refused = request.environ.get(REFUSED_KEY)
        if refused is not None:  # raised in Flask, so the answer has the headers and problem+json of any other error
            raise refused

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Content-Version"] = content_version
        return response

    app.register_error_handler(RecursionError, json_too_deep)
