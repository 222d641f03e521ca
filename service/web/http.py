"""Request-wide HTTP behaviour in Flask: request id and route for telemetry, bodies refused at the edge, the
content-version header, deep JSON."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, g, request

from service.web.telemetry import REQUEST_ID_KEY, ROUTE_KEY

REFUSED_KEY = "service.refused"  # environ: the HTTPException the edge's body reader chose (service/web/edge.py)


def take_request_id() -> None:
    """Before-request: the edge's request id for problem bodies, and the route template for telemetry."""
    if REQUEST_ID_KEY in request.environ:
        g.request_id = request.environ[REQUEST_ID_KEY]
    request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else "(unmatched)"


def refuse_body() -> None:
    """Before-request, before keys and limits: a body the edge could not take (413, 400) is refused whoever sends
    it; raised in Flask, so the answer has the headers and problem+json of any other error."""
    refused = request.environ.get(REFUSED_KEY)
    if refused is not None:
        raise refused


def content_version_stamp(content_version: str) -> Callable[[Response], Response]:
    """After-request: X-Content-Version on every answer."""

    def stamp(response: Response) -> Response:
        response.headers["X-Content-Version"] = content_version
        return response

    return stamp
