"""CDS Hooks 2.0 responses: the discovery document and cards (summary, indicator, source, suggestions, links)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from service.schemas.base import OutputSchema, doc, one_of
from service.schemas.ehr.cds_hooks import CdsCodingSchema, FhirResource

URL_MAX = 4000


def _str(description: str, example: Any = None, max_length: int = 256, **kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(max=max_length), metadata=doc(description, example), **kwargs)


class CdsServiceSchema(OutputSchema):
    hook = _str("The hook this service is invoked on.", "patient-view", required=True)
    title = _str("Human-friendly name.", "Sciatica: evidence-graded plan and red-flag check")
    description = _str("What the service does.", None, 2000, required=True)
    id = _str("The {id} of the service URL {baseUrl}/cds-services/{id}.", "sciatica-patient-view", required=True)
    prefetch = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata=doc("Prefetch key -> FHIR query template.", {"patient": "Patient/{{context.patientId}}"}),
    )
    usageRequirements = _str("What the EHR must do to use it (prefetch, 412 policy).", None, 2000)


class CdsServicesSchema(OutputSchema):
    services = ma.fields.List(
        ma.fields.Nested(CdsServiceSchema), required=True, metadata=doc("Every CDS service offered.")
    )


class CdsCardCodingSchema(CdsCodingSchema, OutputSchema):
    """A coding as cards send it: system, code and display always present (the feedback request's may omit them)."""


class CdsSourceSchema(OutputSchema):
    optional = frozenset({"icon"})  # no icon is sent
    label = _str("Who the guidance comes from.", "Sciatica Relief API (content 1.0.0)", required=True)
    url = _str("Absolute URL to learn more about the source.", "https://cds.example.org/", URL_MAX)
    icon = _str("Absolute URL of a 100x100 PNG icon.", None, URL_MAX)
    topic = ma.fields.Nested(CdsCardCodingSchema, metadata=doc("Topic of the card."))


class CdsActionSchema(OutputSchema):
    optional = frozenset({"resource", "resourceId"})  # resource with create and update, resourceId with delete
    type = one_of(["delete", "create", "update"], "What to do with the resource.", required=True)
    description = _str(
        "What the action does.", "Remove the draft order MedicationRequest/draft-1.", 1000, required=True
    )
    resource = FhirResource("The resource to create or update (never with delete).")
    resourceId = _str("Relative reference of the resource to delete.", "MedicationRequest/draft-1")


class CdsSuggestionSchema(OutputSchema):
    label = _str("Button text.", "Remove ibuprofen 400 MG Oral Tablet", required=True)
    uuid = _str("Suggestion id, for feedback.", "e56e1945-20b3-4393-8503-a1a20fd73152", 64)
    isRecommended = ma.fields.Boolean(metadata=doc("The recommended suggestion of the card.", True))
    actions = ma.fields.List(ma.fields.Nested(CdsActionSchema), metadata=doc("Applied together when chosen."))


class CdsLinkSchema(OutputSchema):
    optional = frozenset({"appContext"})
    label = _str("Link text.", "Patient information: sciatica", required=True)
    url = _str(
        "URL to open.", "https://cds.example.org/v1/infobutton?mainSearchCriteria.v.c=M54.31", URL_MAX, required=True
    )
    type = one_of(["absolute", "smart"], "absolute: open as is; smart: a SMART app launch URL.", required=True)
    appContext = _str("Context for a SMART app (smart links only).", None, URL_MAX)


class CdsCardSchema(OutputSchema):
    optional = frozenset(
        {"detail", "suggestions", "selectionBehavior", "overrideReasons", "links"}
    )  # left out when empty (service/ehr/cards.py card())
    uuid = _str("Card id; send it back to the feedback endpoint.", "4e0a3a1e-3283-4575-ab82-028d55fe2719", 64)
    summary = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 139),
        metadata=doc(
            "One sentence under 140 characters.",
            "Sciatica (acute stage): 7 evidence-graded options fit; screen for red flags",
        ),
    )
    detail = _str("GitHub-flavoured Markdown: stage, factors read, options with grades, red-flag screen.", None, 12000)
    indicator = one_of(["info", "warning", "critical"], "Urgency: info < warning < critical.", required=True)
    source = ma.fields.Nested(CdsSourceSchema, required=True, metadata=doc("Source of the guidance."))
    suggestions = ma.fields.List(ma.fields.Nested(CdsSuggestionSchema), metadata=doc("Changes the user may apply."))
    selectionBehavior = one_of(["at-most-one", "any"], "How many suggestions may be chosen (present with suggestions).")
    overrideReasons = ma.fields.List(
        ma.fields.Nested(CdsCardCodingSchema), metadata=doc("Reasons offered when dismissing the card.")
    )
    links = ma.fields.List(ma.fields.Nested(CdsLinkSchema), metadata=doc("Further information."))


class CdsResponseSchema(OutputSchema):
    optional = frozenset({"systemActions"})
    cards = ma.fields.List(
        ma.fields.Nested(CdsCardSchema), required=True, metadata=doc("Cards; empty when there is nothing to say.")
    )
    systemActions = ma.fields.List(
        ma.fields.Nested(CdsActionSchema), metadata=doc("Actions to apply automatically (never sent here).")
    )
