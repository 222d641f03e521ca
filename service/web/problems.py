"""The one place errors become RFC 9457 application/problem+json responses."""

from __future__ import annotations

import http
from typing import Any

import orjson
from flask import Response, g, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, InternalServerError

from service.openapi import AccessPlugin, BoundsPlugin
from service.schemas.base import SchemaKeywordsPlugin
from service.schemas.problems import ProblemSchema
from service.web.document import Document, Examples
from service.web.problem_types import type_for
from service.web.profile import Profile
from service.web.telemetry import new_request_id

PROBLEM_JSON = "application/problem+json"


def request_id() -> str:
    """This request's id (set by the request-id hook; generated here if the hook did not run)."""
    if "request_id" not in g:
        g.request_id = new_request_id()
    return str(g.request_id)


def problem(status: int, detail: str, errors: list[dict[str, str]] | None = None, headers: Any = None) -> Response:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": type_for(status).uri,
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": request_id(),
    }
    if errors:
        body["errors"] = errors
    return Response(orjson.dumps(body), status=status, headers=headers, mimetype=PROBLEM_JSON)


def flatten(messages: Any, location: str = "", prefix: str = "") -> list[dict[str, str]]:
    """webargs/marshmallow nested messages -> [{location, field, message}] with dotted field paths."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not location:
                out += flatten(value, str(key), "")
            else:
                out += flatten(value, location, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                out += flatten(item, location, prefix)
            else:
                field = prefix.removesuffix("._schema") or "_body"  # an item's own error names the item
                out.append({"location": location or "body", "field": field, "message": str(item)})
    return out


class ProblemApi(Api):
    """flask-smorest Api whose errors are problem+json, keep their headers (Allow on 405) and are documented so."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        errors = flatten(data.get("errors") or data.get("messages") or {})
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        if isinstance(error, InternalServerError):
            detail = "The server could not answer this request. Nothing you sent was stored."
        elif errors:
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        else:
            detail = data.get("message") or error.description or http.HTTPStatus(error.code or 500).phrase
        return problem(error.code or 500, detail, errors or None, headers)

    def _init_spec(self, **kwargs: Any) -> None:
        """The production profile's document, finished with examples from Flask's own answers (the edge goes on
        last); `known_paths` (the catalog's) give path parameters values that exist."""
        kwargs.setdefault("extra_plugins", [BoundsPlugin(), AccessPlugin(), SchemaKeywordsPlugin()])
        super()._init_spec(**kwargs)
        self.known_paths: list[str] = []
        self.served: bytes | None = None
        flask_only = self._app.wsgi_app
        Document.adopt(self.spec, lambda doc: Examples(flask_only, self.known_paths).fill(doc))

    def _openapi_json(self) -> Response:
        """GET /openapi.json: the document narrowed to what this server checks (service.openapi.Profile)."""
        if self.served is None:
            self.served = orjson.dumps(Profile.from_config(self._app.config).apply(self.spec.to_dict()))
        return Response(self.served, mimetype="application/json")

    def _register_pagination_header(self) -> None:
        """No list is paginated, so the document has no pagination header (nor its unused schema)."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def json_too_deep(_: RecursionError) -> Response:
    """Deeply nested JSON exhausts the parser's recursion: a client error, not a server one."""
    return problem(400, "JSON nested too deeply.")
