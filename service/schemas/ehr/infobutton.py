"""GET /v1/infobutton: MedlinePlus Connect (HL7 Infobutton URL) parameters in, our patient content out."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.base import OutputSchema, QuerySchema, doc, integer, one_of

ICD10CM_OID, SNOMED_OID = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96"
OID = r"^[0-2](\.(0|[1-9][0-9]*))+$"
RECIPIENTS = ("PAT", "PROV")
TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"  # a BCP 47 language tag's shape: es, es-MX, es-419


def language_code(data_key: str, whose: str) -> ma.fields.String:
    """An Infobutton languageCode parameter: a language tag; one we do not have is answered in English."""
    return ma.fields.String(
        data_key=data_key,
        validate=[
            ma.validate.Regexp(TAG, error="Must be a language tag such as es or es-MX."),
            ma.validate.Length(max=35),
        ],
        metadata=doc(
            f"The language {whose} (ISO 639-1 / BCP 47: en, es, es-MX). Overrides `lang` and Accept-Language; its "
            "primary language is answered when we have it (es-MX: es), else English with Language-Fallback: true.",
            "es",
        ),
    )


class InfobuttonQuerySchema(QuerySchema):
    code = ma.fields.String(
        data_key="mainSearchCriteria.v.c",
        required=True,
        validate=ma.validate.Length(1, 32),
        metadata=doc("The problem code, e.g. M54.31 (ICD-10-CM) or 23056005 (SNOMED CT).", "M54.31"),
    )
    code_system = ma.fields.String(
        data_key="mainSearchCriteria.v.cs",
        required=True,
        validate=[ma.validate.Regexp(OID), ma.validate.Length(max=64)],
        metadata=doc(
            f"Code system OID: ICD-10-CM {ICD10CM_OID} or SNOMED CT {SNOMED_OID} (others: an empty answer).",
            ICD10CM_OID,
        ),
    )
    display_name = ma.fields.String(
        data_key="mainSearchCriteria.v.dn",
        validate=ma.validate.Length(max=200),
        metadata=doc("Display name of the code (echoed; matching uses the code).", "Sciatica, right side"),
    )
    language = language_code("informationRecipient.languageCode.c", "the reader wants (MedlinePlus Connect's)")
    performer_language = language_code(
        "performer.languageCode.c", "of the person asking, used when informationRecipient.languageCode.c is not sent"
    )
    recipient = ma.fields.String(
        data_key="informationRecipient",
        load_default="PAT",
        validate=ma.validate.OneOf(RECIPIENTS),
        metadata=doc(
            "Who will read it: PAT (patient) or PROV (provider); the content is patient-facing either way.", "PAT"
        ),
    )
    response_type = ma.fields.String(
        data_key="knowledgeResponseType",
        load_default="application/json",
        validate=ma.validate.OneOf(["application/json"]),
        metadata=doc(
            "Only application/json (MedlinePlus' text/xml Atom and JSONP are not offered: 422).", "application/json"
        ),
    )


class InfobuttonQueryEchoSchema(OutputSchema):
    code = ma.fields.String(metadata=doc("The code asked for.", "M54.31"))
    code_system = ma.fields.String(metadata=doc("Its code system OID.", ICD10CM_OID))
    code_system_name = ma.fields.String(
        allow_none=True, metadata=doc("ICD-10-CM or SNOMED CT (null: not supported).", "ICD-10-CM")
    )
    display_name = ma.fields.String(
        allow_none=True, metadata=doc("The display name sent, if any.", "Sciatica, right side")
    )
    language = ma.fields.String(
        metadata=doc(
            "The language of the answer (also Content-Language): the one asked for when we have it, else en.", "es"
        )
    )
    requested_language = ma.fields.String(
        allow_none=True,
        metadata=doc(
            "The languageCode sent (informationRecipient's, else performer's); null when none was (then `lang` or "
            "Accept-Language chose).",
            "es-MX",
        ),
    )
    recipient = one_of(RECIPIENTS, "PAT or PROV, as sent.")


class InfobuttonCodingSchema(OutputSchema):
    system = ma.fields.String(metadata=doc("FHIR code system URI.", "http://hl7.org/fhir/sid/icd-10-cm"))
    code = ma.fields.String(metadata=doc("Code.", "M54.31"))
    display = ma.fields.String(metadata=doc("Display.", "Sciatica, right side"))


class InfobuttonStageSchema(OutputSchema):
    stage = ma.fields.String(metadata=doc("Stage.", "acute"))
    description = ma.fields.String(metadata=doc("What the stage means."))


class InfobuttonTipSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Tip id (GET /v1/tips).", "stay-active-walking"))
    title = ma.fields.String(metadata=doc("Short title.", "Keep moving"))
    text = ma.fields.String(metadata=doc("The tip."))


class InfobuttonLinkSchema(OutputSchema):
    rel = ma.fields.String(metadata=doc("What the link is.", "tips"))
    href = ma.fields.String(
        metadata=doc("Path of the page on this API, in the answer's language (?lang=).", "/handouts/condition?lang=es")
    )
    title = ma.fields.String(metadata=doc("Link text.", "Self-care tips with evidence"))


class InfobuttonEntrySchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Topic id.", "sciatica"))
    title = ma.fields.String(metadata=doc("Topic title.", "Sciatica"))
    summary = ma.fields.String(metadata=doc("What it is, in plain language."))
    causes = ma.fields.List(ma.fields.String(metadata=doc("A cause.")), metadata=doc("Common causes."))
    stages = ma.fields.List(ma.fields.Nested(InfobuttonStageSchema), metadata=doc("Duration stages."))
    tips = ma.fields.List(ma.fields.Nested(InfobuttonTipSchema), metadata=doc("Self-care tips."))
    links = ma.fields.List(ma.fields.Nested(InfobuttonLinkSchema), metadata=doc("More on this API."))
    sources = ma.fields.List(
        ma.fields.String(metadata=doc("Source id.")), metadata=doc("Source ids (GET /v1/sources).", ["S1"])
    )
    updated = ma.fields.Date(metadata=doc("Last clinical review.", "2026-11-20"))
    matched_code = ma.fields.Nested(InfobuttonCodingSchema, metadata=doc("The sciatica code that matched."))


class InfobuttonSchema(OutputSchema):
    query = ma.fields.Nested(InfobuttonQueryEchoSchema, metadata=doc("The request, as understood."))
    total = integer("Number of entries: 1 for the sciatica code family, else 0.", 1, 0, 3)
    entries = ma.fields.List(
        ma.fields.Nested(InfobuttonEntrySchema), metadata=doc("Matched health topics (at most one).")
    )
    message = ma.fields.String(
        allow_none=True, metadata=doc("Why there is no entry, in the answer's language (null when there is one).", None)
    )
    disclaimer = ma.fields.String(metadata=doc("What this information is not."))
    attribution = ma.fields.String(metadata=doc("Who the content comes from.", "Sciatica Relief API, content 1.0.0"))
