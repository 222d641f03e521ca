"""The app-wide Flask hooks: one before every view (request id, route, admission), one after (rate counts, security
headers, content version). CORS adds its own (service/web/security.py)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, g, request
from werkzeug.exceptions import TooManyRequests

from service.engine.models import DEFAULT_LANGUAGE
from service.web.admission import Admission
from service.web.problems import problem
from service.web.security import security_headers
from service.web.telemetry import REQUEST_ID_KEY, ROUTE_KEY


def admit_hook(admission: Admission, rate: str) -> Callable[[], Response | None]:
    """Before the view: take the edge's request id (problem bodies) and the route template (telemetry), then admit."""

    def admit() -> Response | None:
        environ = request.environ
        if REQUEST_ID_KEY in environ:
            g.request_id = environ[REQUEST_ID_KEY]
        environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else "(unmatched)"
        verdict = admission.check(environ)
        g.rate_headers = verdict.counts
        if verdict.refused is None:
            return None
        if verdict.error is not None:  # raised in Flask: the headers and problem+json of any other error
            raise verdict.error
        if verdict.refused == 429:  # raised: each area answers in its own format (an OperationOutcome under /fhir)
            raise TooManyRequests(f"Too many requests: the limit is {rate}. Retry later.")
        if verdict.refused == 401:
            return problem(401, "Send your API key in the X-API-Key header.", headers={"WWW-Authenticate": "X-API-Key"})
        return problem(403, "This API key is not valid.")

    return admit


def finish_hook(content_version: str, hsts: int) -> Callable[[Response], Response]:
    """After the view: this request's X-RateLimit-* (and Retry-After), the security headers, X-Content-Version, and
    Content-Language en where the view set none (errors, health, codes: the service's own words are English)."""
    add_security_headers = security_headers(hsts)

    def finish(response: Response) -> Response:
        headers = response.headers
        for name, value in g.get("rate_headers", ()):
            headers[name] = value
        add_security_headers(response)
        headers["X-Content-Version"] = content_version
        headers.setdefault("Content-Language", DEFAULT_LANGUAGE)
        return response

    return finish
