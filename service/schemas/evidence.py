"""Evidence blocks and factor rules, shared by treatments, tips and recommendations."""

from __future__ import annotations

import marshmallow as ma

from service.engine.models import Certainty, Direction, RuleLevel, Scope, Strength
from service.schemas.base import BaseSchema, doc, enum_field, text


class SourceGradeSchema(BaseSchema):
    source = ma.fields.String(metadata=doc("Source id (see /v1/sources).", "S3"))
    system = ma.fields.String(metadata=doc("Grading system or wording the source uses.", "SORT"))
    grade = ma.fields.String(metadata=doc("The source's own grade, verbatim.", "SORT A, against"))


class EvidenceBriefSchema(BaseSchema):
    certainty = enum_field(Certainty, "GRADE certainty of the evidence.", "moderate")
    direction = enum_field(Direction, "Direction of the recommendation, kept apart from certainty.", "for")
    strength = enum_field(Strength, "Strength of the recommendation.", "strong")


class EvidenceSchema(EvidenceBriefSchema):
    scope = enum_field(
        Scope, "Whether the evidence is about sciatica itself or indirect (low back pain).", "sciatica_specific"
    )
    summary = text("What the evidence shows, in plain language.", "Resting in bed gives no extra benefit.")
    source_grades = ma.fields.List(ma.fields.Nested(SourceGradeSchema), metadata=doc("Per-source grades, verbatim."))
    stance = text(
        "What an exclusion on this evidence tells a person, where the generic wording would mislead.", allow_none=True
    )


class RuleSchema(BaseSchema):
    factor = ma.fields.String(metadata=doc("Factor id (see /v1/factors) that triggers the rule.", "kidney-disease"))
    level = enum_field(
        RuleLevel,
        "exclude: never suggested; caution: shown with a warning; clinician_only: only with a clinician's advice.",
        "exclude",
    )
    reason = text("Why, in plain language.", "Anti-inflammatory painkillers can harm the kidneys.")
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids behind the rule.", ["S1"]))
