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
Errors are RFC 9457 `application/problem+json` and name the field at fault.
"""

PROTECTED_PREFIX = "/v1/"
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
                "description": "Required on /v1 when the deployment configures API keys (SCIATICA_API_KEYS).",
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
            }
        },
    },
}


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
    """/v1 operations: the API-key scheme, their 401/403/429 answers and rate-limit headers; CDS Hooks: the EHR JWT."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if (path or "").startswith("/cds-services"):
            for operation in (operations or {}).values():
                # Optional: EHRs send it, the service verifies it only when issuers are configured.
                operation.setdefault("security", [{"CdsHooksJwt": []}, {}])
        if not (path or "").startswith(PROTECTED_PREFIX):
            return
        for operation in (operations or {}).values():
            operation.setdefault("security", [{"ApiKeyAuth": []}])
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", "UNAUTHORIZED")
            responses.setdefault("403", "FORBIDDEN")
            responses.setdefault("429", "TOO_MANY_REQUESTS")
            for code, response in responses.items():
                if isinstance(response, dict) and str(code).startswith(("2", "3", "4")) and "$ref" not in response:
                    headers = response.setdefault("headers", {})
                    for name in RATE_LIMIT_HEADERS:
                        headers.setdefault(name, {"$ref": f"#/components/headers/{name}"})
