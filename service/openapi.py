"""Top-level fields of the OpenAPI document (introduction, contact, servers) and the bounds every schema states."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin

from service.schemas.base import MAX_ITEMS, MAX_STRING

INTRODUCTION = """\
Evidence-graded sciatica information for health platforms: treatment options, self-care tips, red flags and
evidence levels as JSON, and a recommendation endpoint that turns what a person reports into an urgency level,
ranked and explained options, excluded options with reasons, and disclaimers.

**This is health information, not a diagnosis or medical advice.** Red flags always win over self-care advice.
What a person reports is never stored or logged, and recommendation responses are `Cache-Control: no-store`.

Every content response carries `X-Content-Version` and a strong `ETag` (send `If-None-Match` for a 304).
Errors are RFC 9457 `application/problem+json` and name the field at fault; each problem `type` is a page of this
server (`GET /problems/{problem_type}`) saying what the problem means and what to do.

**Security depends on the deployment.** The committed `openapi/openapi.json` (what `make openapi` and `flask openapi
write` produce, whatever the local configuration) is the production profile: an API key (`X-API-Key`) on `/v1`, and
the EHR's JWT or an API key on `/cds-services` and `/fhir` (but `/fhir/metadata`). A running server's
`/openapi.json` describes that server as configured: a security requirement (and its 401/403) only where it checks a
credential, so `make run` (no API keys, no JWT issuers) serves a document without any.

**Rate limits** (when on) apply to `/v1`, `/cds-services` and `/fhir`: answers carry `X-RateLimit-Limit`, `-Remaining`
and `-Reset`, a 429 `Retry-After`. Health probes, handouts and problem pages are never refused (an orchestrator's poll,
a clinician's page): their responses state that exception. With an `Origin`, every answer carries CORS headers.
"""

PROTECTED_PREFIX = "/v1/"
EHR_ROOTS = ("/cds-services", "/fhir")
OPEN_FHIR = "/fhir/metadata"  # clients read the CapabilityStatement before they hold a credential
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the current window.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "When the window resets (Unix time, seconds).",
}

SPEC_OPTIONS = {
    "info": {
        "description": INTRODUCTION,
        "contact": {"name": "Sciatica Relief API team", "url": "https://github.com/", "email": "api@example.org"},
        "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
    },
    "servers": [
        {
            "url": "/",
            "description": "The server that serves this document (production, staging or local)",
            "x-internal": False,
        }
    ],
    "components": {
        "securitySchemes": {
            "ApiKeyAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": (
                    "Required on /v1 when the deployment configures API keys (SCIATICA_API_KEYS). On /cds-services "
                    "and /fhir (but /fhir/metadata) an API key or the EHR's JWT is needed when either is configured."
                ),
            },
            "CdsHooksJwt": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": (
                    "The EHR's signed JWT (CDS Hooks 2.0 trust; RS384/ES384 only, following RFC8725 best practices), "
                    "verified when SCIATICA_CDS_JWT_ISSUERS is set."
                ),
            },
        },
        "headers": {
            name: {
                "description": text,
                "schema": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**53},
            }
            for name, text in RATE_LIMIT_HEADERS.items()
        }
        | {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 86400},
            },
            "NotRateLimited": {
                "description": (
                    "Not sent: this operation is not rate limited (health probes, handouts and problem pages must "
                    "never be refused to an orchestrator or a clinician's browser). The exception to the OWASP "
                    "rate-limit rule, stated here."
                ),
                "schema": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**53},
            },
            "Access-Control-Allow-Origin": {
                "description": (
                    "CORS: the calling origin, sent when the request has an Origin header the deployment allows "
                    "(SCIATICA_CORS_ORIGINS; every origin by default)."
                ),
                "schema": {"type": "string", "maxLength": 2048, "example": "https://app.example.org"},
            },
            "Content-Language": {
                "description": "The language of the answer's person-facing texts (en for the service's own words).",
                "schema": {"type": "string", "maxLength": 35, "example": "es"},
            },
            "Language-Fallback": {
                "description": (
                    "true when the answer is not in the language the client prefers most (its first Accept-Language "
                    "range, or `lang`): English was served because that language is not available."
                ),
                "schema": {"type": "string", "enum": ["true", "false"]},
            },
            "Vary": {
                "description": "Accept-Language (and Accept-Encoding where gzip is offered): caches keep one copy each.",
                "schema": {"type": "string", "maxLength": 256, "example": "Accept-Language"},
            },
            "Access-Control-Expose-Headers": {
                "description": "CORS: the response headers a browser script may read (sent with Origin).",
                "schema": {"type": "string", "maxLength": 2048},
            },
        },
    },
}
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
LANGUAGE_HEADERS = ("Language-Fallback", "Vary")  # on the 2xx of an operation that takes `lang`


def limited_path(path: str) -> bool:
    """Whether requests to this path (a URL path or a path template) count against the rate limit."""
    return path.startswith(PROTECTED_PREFIX) or path in EHR_ROOTS or path.startswith(tuple(r + "/" for r in EHR_ROOTS))


def operations(doc: dict[str, Any], with_path: bool = False) -> Any:
    """Every operation object of the document (with its path when asked)."""
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield (path, method, item[method]) if with_path else item[method]


def _types(prop: dict[str, Any]) -> list[Any]:
    kind = prop.get("type")
    return kind if isinstance(kind, list) else [kind]


def _bound(prop: dict[str, Any]) -> dict[str, Any]:
    """maxLength for a string and maxItems for an array that state no bound of their own."""
    if "string" in _types(prop) and not {"maxLength", "enum", "const"} & prop.keys():
        return {"maxLength": MAX_STRING}
    if "array" in _types(prop) and "maxItems" not in prop:
        return {"maxItems": MAX_ITEMS}
    return {}


def bounded(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: applied to every marshmallow field after the built-in ones."""
    return _bound(ret)


class BoundsPlugin(BasePlugin):
    """Every string and list in the document is bounded, and every operation documents its 500 answer.

    Request fields carry their own (validated) bounds; the defaults cover what the API sends, where schemathesis checks
    every response against them.
    """

    def init_spec(self, spec: APISpec) -> None:
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(bounded)  # type: ignore[union-attr]

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if not any(str(code) == "500" for code in responses):
                responses["500"] = "INTERNAL_SERVER_ERROR"
            for response in responses.values():
                for media in response.get("content", {}).values() if isinstance(response, dict) else ():
                    if isinstance(media.get("schema"), dict):
                        media["schema"].update(_bound(media["schema"]))


class AccessPlugin(BasePlugin):
    """The credentials each operation takes in the production profile, and its 401/403/429 answers.

    /v1: the API key. /cds-services and /fhir (but /fhir/metadata): the EHR's JWT or an API key. A server narrows
    this to what it checks (`Profile.apply`). FHIR operations document their own errors, as OperationOutcomes
    (service/api/ehr/fhir.py); headers are stated for every operation at once (`document_headers`).
    """

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        path = path or ""
        if not limited_path(path):
            return
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if path.startswith(PROTECTED_PREFIX):
                operation.setdefault("security", [{"ApiKeyAuth": []}])
            elif path != OPEN_FHIR:
                operation.setdefault("security", [{"CdsHooksJwt": []}, {"ApiKeyAuth": []}])
            if not path.startswith("/fhir"):
                if path != OPEN_FHIR:
                    responses.setdefault("401", "UNAUTHORIZED")
                    responses.setdefault("403", "FORBIDDEN")
                responses.setdefault("429", "TOO_MANY_REQUESTS")
