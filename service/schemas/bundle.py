"""The offline content bundle: every content item in full, as the per-item endpoints serve it, in one language."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.base import OutputSchema, doc
from service.schemas.content import (
    ConditionSchema,
    DisclaimerSchema,
    EvidenceScaleSchema,
    FactorSchema,
    QuestionSchema,
    RedFlagSchema,
    SourceSchema,
    TipSchema,
)
from service.schemas.releases import semver
from service.schemas.treatments import TreatmentSchema


def _items(schema: type[ma.Schema], what: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.Nested(schema), required=True, metadata=doc(what))


class BundleContentSchema(OutputSchema):
    condition = ma.fields.Nested(ConditionSchema, required=True, metadata=doc("As GET /v1/condition."))
    treatments = _items(TreatmentSchema, "Every treatment in full, as GET /v1/treatments/{treatment_id}.")
    tips = _items(TipSchema, "As GET /v1/tips.")
    red_flags = _items(RedFlagSchema, "As GET /v1/red-flags.")
    factors = _items(FactorSchema, "As GET /v1/factors.")
    questionnaire = _items(QuestionSchema, "As GET /v1/questionnaire.")
    sources = _items(SourceSchema, "Every source, as GET /v1/sources/{source_id}.")
    disclaimers = _items(DisclaimerSchema, "As GET /v1/disclaimers.")
    evidence_levels = ma.fields.Nested(EvidenceScaleSchema, required=True, metadata=doc("As GET /v1/evidence-levels."))
    illustrations = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        required=True,
        metadata=doc(
            "Exercise id -> its picture, the SVG text GET /v1/illustrations/{exercise_id}.svg sends (an exercise's "
            "illustration.url names it).",
            {"glute-bridge": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160">...</svg>'},
        ),
    )


class BundleSchema(OutputSchema):
    content_version = semver("Semantic version of the content (as GET /v1/meta; see GET /v1/releases).", "2.0.0")
    language = ma.fields.String(
        required=True,
        metadata=doc("Language of every text in `content`.", "en", pattern="^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"),
    )
    content_sha256 = ma.fields.String(
        required=True,
        metadata=doc(
            "SHA-256 (hex) of `content` as canonical JSON: keys sorted, no whitespace, UTF-8 (Python: json.dumps(c, "
            "sort_keys=True, separators=(',', ':'), ensure_ascii=False)). Check it after download; it changes "
            "whenever any item does.",
            "9f2c4e0d5b7a1c3e9f2c4e0d5b7a1c3e9f2c4e0d5b7a1c3e9f2c4e0d5b7a1c3e",
            pattern="^[0-9a-f]{64}$",
        ),
    )
    content = ma.fields.Nested(
        BundleContentSchema, required=True, metadata=doc("Every content item, each as its own endpoint serves it.")
    )
