"""FHIR facade documentation: resources as open JSON objects (validated in tests, not here) and the search parameters."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from service.schemas.base import OutputSchema, QuerySchema, doc, integer
from service.schemas.ehr.cds_hooks import FHIR_ID

FORMATS = ["json", "application/json", "application/fhir+json"]


class FhirOpenSchema(OutputSchema):
    """A FHIR resource: the listed elements are documented, every other element of the FHIR R4B type may appear."""

    class Meta:
        unknown = ma.INCLUDE


def resource_schema(rtype: str, description: str) -> type[ma.Schema]:
    """A documentation schema for one resource type (resourceType fixed, the common canonical elements listed)."""
    fields: dict[str, Any] = {
        "resourceType": ma.fields.String(
            required=True, validate=ma.validate.OneOf([rtype]), metadata=doc("Resource type.", rtype)
        ),
        "id": ma.fields.String(metadata=doc("Logical id.", "sciatica-recommendations")),
        "url": ma.fields.String(
            metadata=doc("Canonical URL.", f"https://sciatica-relief.example.org/fhir/{rtype}/example")
        ),
        "version": ma.fields.String(metadata=doc("Version: the knowledge content version.", "1.0.0")),
        "status": ma.fields.String(metadata=doc("Publication status.", "active")),
    }
    schema = FhirOpenSchema.from_dict(fields, name=f"Fhir{rtype}Schema")
    schema.__doc__ = description
    return schema


class FhirIssueSchema(FhirOpenSchema):
    severity = ma.fields.String(metadata=doc("fatal, error, warning or information.", "error"))
    code = ma.fields.String(metadata=doc("Issue type (http://hl7.org/fhir/issue-type).", "not-found"))
    diagnostics = ma.fields.String(metadata=doc("What went wrong.", "No PlanDefinition with id 'x'."))


class FhirOperationOutcomeSchema(FhirOpenSchema):
    resourceType = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["OperationOutcome"]),
        metadata=doc("Resource type.", "OperationOutcome"),
    )
    issue = ma.fields.List(ma.fields.Nested(FhirIssueSchema), metadata=doc("The issues."))


class FhirBundleEntrySchema(FhirOpenSchema):
    fullUrl = ma.fields.String(metadata=doc("Absolute URL of the resource on this server."))
    resource = ma.fields.Dict(
        metadata=doc("The matching resource (type as searched).", None, additionalProperties=True)
    )
    search = ma.fields.Dict(metadata=doc("Search mode: always match.", {"mode": "match"}, additionalProperties=True))


class FhirBundleSchema(FhirOpenSchema):
    optional = frozenset({"entry"})  # absent when nothing matches
    resourceType = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["Bundle"]), metadata=doc("Resource type.", "Bundle")
    )
    type = ma.fields.String(validate=ma.validate.OneOf(["searchset"]), metadata=doc("Always searchset.", "searchset"))
    total = integer("Number of matches.", 1, 0, 100000)
    link = ma.fields.List(
        ma.fields.Dict(metadata=doc("A link: relation and url.", None, additionalProperties=True)),
        metadata=doc("The self link."),
    )
    entry = ma.fields.List(ma.fields.Nested(FhirBundleEntrySchema), metadata=doc("The matches (absent when none)."))


class FhirReadQuerySchema(QuerySchema):
    """`_format`, and `lang`: not a FHIR parameter (FHIR reads Accept-Language, which works here too); an
    unsupported `lang` is a 400 OperationOutcome."""

    format_ = ma.fields.String(
        data_key="_format", validate=ma.validate.OneOf(FORMATS), metadata=doc("Response format: JSON only.", "json")
    )


class FhirSearchQuerySchema(FhirReadQuerySchema):
    id_ = ma.fields.String(
        data_key="_id",
        validate=[ma.validate.Regexp(FHIR_ID), ma.validate.Length(1, 64)],
        metadata=doc("Only the resource with this id.", "nsaids"),
    )
    url = ma.fields.String(
        validate=ma.validate.Length(1, 200),
        metadata=doc("Only the resource with this canonical URL (url or url|version)."),
    )
