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
    optional = frozenset({"errors"})  # only with field errors (422, or a 400 naming fields)
    type = ma.fields.String(
        metadata=doc(
            "URI of the problem type: a page saying what it means and what to do.", "/problems/validation-error"
        )
    )
    title = ma.fields.String(metadata=doc("Short summary of the problem type.", "Unprocessable Content"))
    status = integer("HTTP status code.", 422, 400, 599)
    detail = ma.fields.String(metadata=doc("Explanation of this occurrence.", "Invalid value for 'age'."))
    instance = ma.fields.String(metadata=doc("The request path.", "/v1/recommendations"))
    request_id = ma.fields.String(metadata=doc("Request id, as in the X-Request-ID header.", "3f2a9c1e0b7d4e58"))
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema), metadata=doc("Field errors (422)."))


class ProblemTypeSchema(OutputSchema):
    type = ma.fields.String(metadata=doc("The problem type's URI: this page.", "/problems/validation-error"))
    status = integer("The HTTP status it comes with; null: any status without a page of its own.", 422, 400, 599,
                     allow_none=True)  # fmt: skip
    title = ma.fields.String(metadata=doc("Short name of the problem.", "Invalid fields"))
    meaning = ma.fields.String(metadata=doc("What the problem means, in plain words."))
    what_to_do = ma.fields.String(metadata=doc("What to do about it."))
