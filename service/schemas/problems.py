"""RFC 9457 problem details, the one error shape of the API."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.base import OutputSchema, doc, integer


class FieldErrorSchema(OutputSchema):
    location = ma.fields.String(metadata=doc("Where the field was: json, query, path or header.", "json"))
    field = ma.fields.String(metadata=doc("Dotted path of the field (list items by index).", "conditions.0"))
    message = ma.fields.String(
        metadata=doc("What is wrong with it.", "Unknown condition id 'kidney'; see GET /v1/factors.")
    )


class ProblemSchema(OutputSchema):
    optional = frozenset({"errors"})  # 422 only
    type = ma.fields.String(metadata=doc("URI identifying the problem type.", "about:blank"))
    title = ma.fields.String(metadata=doc("Short summary of the problem type.", "Unprocessable Content"))
    status = integer("HTTP status code.", 422, 400, 599)
    detail = ma.fields.String(metadata=doc("Explanation of this occurrence.", "Invalid value for 'age'."))
    instance = ma.fields.String(metadata=doc("The request path.", "/v1/recommendations"))
    request_id = ma.fields.String(metadata=doc("Request id, as in the X-Request-ID header.", "3f2a9c1e0b7d4e58"))
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema), metadata=doc("Field errors (422)."))
