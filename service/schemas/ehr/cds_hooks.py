"""CDS Hooks 2.0 request bodies (service calls and feedback), written from the specification's text."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma

from service.schemas.base import BaseSchema, OutputSchema, doc, integer

FHIR_ID = r"^[A-Za-z0-9\-\.]{1,64}$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
MAX_ENTRIES = 500


class FhirResource(ma.fields.Dict):
    """A FHIR resource or searchset Bundle as JSON (checked only for a resourceType); null: the EHR found nothing."""

    def __init__(self, description: str, resource_type: str | None = None, **kwargs: Any) -> None:
        kind: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64}
        if resource_type:
            kind["enum"] = [resource_type]
        schema = {
            "type": "object",  # apispec adds "null" when allow_none
            "required": ["resourceType"],
            "properties": {
                "resourceType": kind,
                "entry": {"type": "array", "maxItems": MAX_ENTRIES, "items": {"type": "object"}},
            },
            "additionalProperties": True,
        }
        super().__init__(metadata=doc(description) | schema, **kwargs)
        self.resource_type = resource_type

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        value = super()._deserialize(value, attr, data, **kwargs)
        kind = value.get("resourceType")
        if not isinstance(kind, str) or not kind or len(kind) > 64:
            raise ma.ValidationError("Not a FHIR resource: resourceType (a string) is required.")
        if self.resource_type and kind != self.resource_type:
            raise ma.ValidationError(f"Expected a {self.resource_type}.")
        entries = value.get("entry", [])
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES or not all(isinstance(e, dict) for e in entries):
            raise ma.ValidationError(f"entry must be a list of at most {MAX_ENTRIES} objects.")
        return value


class WholeNumber(ma.fields.Integer):
    """An integer that also accepts a JSON number with no fraction (300.0), as JSON Schema's integer does."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class CanonicalUuid(ma.fields.UUID):
    """A uuid written as format uuid means (8-4-4-4-12 hex digits), read as a uuid.UUID: safe to log as it is."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not re.match(UUID, value):
            raise self.make_error("invalid_uuid")
        return super()._deserialize(value, attr, data, **kwargs)


def _text(description: str, example: Any = None, max_length: int = 256, **kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(1, max_length), metadata=doc(description, example), **kwargs)


class CdsFhirAuthorizationSchema(BaseSchema):
    access_token = _text(
        "OAuth 2.0 access token for the EHR's FHIR server (never used or logged here).", None, 8192, required=True
    )
    token_type = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["Bearer"]), metadata=doc("Fixed: Bearer.", "Bearer")
    )
    expires_in = WholeNumber(
        strict=True,
        required=True,
        validate=ma.validate.Range(0, 86400),
        metadata=doc("Lifetime of the token in seconds.", 300, format="int32"),
    )
    scope = _text("Scopes granted.", "patient/Condition.read", 4000, required=True)
    subject = _text("This service's OAuth client id at the EHR.", "sciatica-cds", required=True)
    patient = _text("Patient id the token is scoped to.", "1288992")


class CdsPatientViewContextSchema(BaseSchema):
    userId = _text(
        "The user: Practitioner/{id}, PractitionerRole/{id}, Patient/{id} or RelatedPerson/{id}.",
        "Practitioner/example",
        required=True,
    )
    patientId = ma.fields.String(
        required=True, validate=ma.validate.Regexp(FHIR_ID), metadata=doc("FHIR id of the patient.", "1288992")
    )
    encounterId = ma.fields.String(
        validate=ma.validate.Regexp(FHIR_ID), metadata=doc("FHIR id of the encounter.", "89284")
    )


class CdsOrderSignContextSchema(CdsPatientViewContextSchema):
    draftOrders = FhirResource(
        "Bundle of the draft orders (MedicationRequest, ServiceRequest, ...).", "Bundle", required=True
    )


class CdsOrderSelectContextSchema(CdsOrderSignContextSchema):
    selections = ma.fields.List(
        _text("Type/id of a newly selected order.", "MedicationRequest/draft-1"),
        required=True,
        validate=ma.validate.Length(1, 100),
        metadata=doc("The orders just selected.", ["MedicationRequest/draft-1"]),
    )


class CdsPrefetchSchema(BaseSchema):
    patient = FhirResource(
        "Patient/{{context.patientId}}: the Patient (birthDate gives the age).", "Patient", allow_none=True
    )
    conditions = FhirResource(
        "Active Conditions (searchset Bundle): sciatica, other factors, pregnancy, coded red flags.", allow_none=True
    )
    medications = FhirResource(
        "Active MedicationRequests (searchset Bundle): anticoagulants, opioids, ...", allow_none=True
    )
    pregnancy = FhirResource("Pregnancy status and gestational-age Observations (searchset Bundle).", allow_none=True)


def _request(hook: str, context: type[BaseSchema]) -> dict[str, Any]:
    return {
        "hook": ma.fields.String(
            required=True, validate=ma.validate.OneOf([hook]), metadata=doc("The hook that fired.", hook)
        ),
        "hookInstance": _text(
            "Unique id of this hook call (a UUID).", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", 128, required=True
        ),
        "fhirServer": _text(
            "Base URL of the EHR's FHIR server: queried for prefetch keys the call lacks, only when on the service's allow-list.",
            "https://ehr.example.org/fhir",
            2048,
        ),
        "fhirAuthorization": ma.fields.Nested(
            CdsFhirAuthorizationSchema,
            metadata=doc(
                "Bearer token for fhirServer, used only for the service's own prefetch queries; never logged."
            ),
        ),
        "context": ma.fields.Nested(context, required=True, metadata=doc(f"The {hook} context.")),
        "prefetch": ma.fields.Nested(
            CdsPrefetchSchema, metadata=doc("The prefetched FHIR data, per the discovery templates.")
        ),
        "extension": ma.fields.Dict(
            metadata=doc("Pre-coordinated extensions (ignored).", None, additionalProperties=True)
        ),
    }


CdsPatientViewRequestSchema = BaseSchema.from_dict(
    _request("patient-view", CdsPatientViewContextSchema), name="CdsPatientViewRequestSchema"
)
CdsOrderSelectRequestSchema = BaseSchema.from_dict(
    _request("order-select", CdsOrderSelectContextSchema), name="CdsOrderSelectRequestSchema"
)
CdsOrderSignRequestSchema = BaseSchema.from_dict(
    _request("order-sign", CdsOrderSignContextSchema), name="CdsOrderSignRequestSchema"
)


class CdsCodingSchema(BaseSchema):
    system = ma.fields.String(
        validate=ma.validate.Length(max=2048),
        metadata=doc("Code system URI.", "https://cds.example.org/fhir/CodeSystem/override-reasons"),
    )
    code = _text("Code.", "benefit-outweighs-risk")
    display = _text("Human-readable text.", "Benefit outweighs risk for this patient", 1024)


class CdsAcceptedSuggestionSchema(BaseSchema):
    id = _text("The suggestion's uuid.", "e56e1945-20b3-4393-8503-a1a20fd73152", required=True)


class CdsOverrideReasonSchema(BaseSchema):
    reason = ma.fields.Nested(CdsCodingSchema, metadata=doc("The override reason chosen."))
    userComment = _text("Free-text comment (never logged).", "Discussed with the patient.", 4000)


class CdsFeedbackItemSchema(BaseSchema):
    card = CanonicalUuid(
        required=True,
        metadata=doc(
            "The card's uuid.", "4e0a3a1e-3283-4575-ab82-028d55fe2719", pattern=UUID, minLength=36, maxLength=36
        ),
    )
    outcome = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["accepted", "overridden"]),
        metadata=doc("What the user did.", "overridden"),
    )
    acceptedSuggestions = ma.fields.List(
        ma.fields.Nested(CdsAcceptedSuggestionSchema),
        validate=ma.validate.Length(max=50),
        metadata=doc("Accepted suggestions (outcome accepted)."),
    )
    overrideReason = ma.fields.Nested(CdsOverrideReasonSchema, metadata=doc("Why the card was overridden."))
    outcomeTimestamp = ma.fields.String(
        required=True,
        validate=[ma.validate.Regexp(RFC3339), ma.validate.Length(max=40)],
        metadata=doc("When, as an RFC 3339 date-time in UTC.", "2026-11-20T10:15:00Z"),
    )


class CdsFeedbackSchema(BaseSchema):
    feedback = ma.fields.List(
        ma.fields.Nested(CdsFeedbackItemSchema),
        required=True,
        validate=ma.validate.Length(1, 100),
        metadata=doc("One item per card acted on."),
    )


class CdsFeedbackReceiptSchema(OutputSchema):
    received = integer("How many feedback items were accepted (logged, not stored).", 1, 0, 100)
