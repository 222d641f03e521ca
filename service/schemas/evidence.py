"""Evidence blocks and factor rules, shared by treatments, tips and recommendations."""

from __future__ import annotations

import marshmallow as ma

from service.engine.models import Basis, Certainty, Direction, RuleLevel, Scope, Stage, Strength
from service.schemas.base import OutputSchema, doc, enum_field, text


class SourceGradeSchema(OutputSchema):
    source = ma.fields.String(metadata=doc("Source id (see /v1/sources).", "S3"))
    system = ma.fields.String(metadata=doc("Grading system or wording the source uses.", "SORT"))
    grade = ma.fields.String(metadata=doc("The source's own grade, verbatim.", "SORT A, against"))


class EvidenceBriefSchema(OutputSchema):
    certainty = enum_field(Certainty, "GRADE certainty of the evidence.", "moderate")
    direction = enum_field(Direction, "Direction of the recommendation, kept apart from certainty.", "for")
    strength = enum_field(Strength, "Strength of the recommendation.", "strong")


class StageEvidenceSchema(EvidenceBriefSchema):
    stages = ma.fields.List(enum_field(Stage, "Stage."), metadata=doc("The stages this evidence is for.", ["chronic"]))
    summary = text("What the evidence shows at these stages, in plain language.")
    source_grades = ma.fields.List(ma.fields.Nested(SourceGradeSchema), metadata=doc("Per-source grades, verbatim."))
    stance = text("What an exclusion at these stages tells a person.", allow_none=True)
    clinician = text("The same for clinicians, with the grades.")


class EvidenceSchema(EvidenceBriefSchema):
    scope = enum_field(
        Scope, "Whether the evidence is about sciatica itself or indirect (low back pain).", "sciatica_specific"
    )
    summary = text("What the evidence shows, in plain language.", "Resting in bed gives no extra benefit.")
    source_grades = ma.fields.List(ma.fields.Nested(SourceGradeSchema), metadata=doc("Per-source grades, verbatim."))
    stance = text(
        "What an exclusion on this evidence tells a person, where the generic wording would mislead.", allow_none=True
    )
    clinician = text(
        "The same for clinicians: the guideline's position in its own words, with the grades (EHR cards show it).",
        "NICE NG59 (2016): do not offer bed rest. Certainty: moderate.",
    )
    by_stage = ma.fields.List(
        ma.fields.Nested(StageEvidenceSchema),
        metadata=doc(
            "Where the evidence differs by stage (opioids: against for chronic sciatica, uncertain for new): the "
            "evidence for those stages; the block above is for the others."
        ),
    )


class RuleSchema(OutputSchema):
    factor = ma.fields.String(metadata=doc("Factor id (see /v1/factors) that triggers the rule.", "kidney-disease"))
    level = enum_field(
        RuleLevel,
        "exclude: never suggested; caution: shown with a warning; clinician_only: only with a clinician's advice.",
        "exclude",
    )
    reason = text("Why, in plain language.", "Anti-inflammatory painkillers can harm the kidneys.")
    clinician = text("The caution in clinical terms (EHR cards show it).", "NSAIDs: risk of renal impairment.")
    sources = ma.fields.List(
        ma.fields.String(), metadata=doc("Sources that state the rule (empty for a clinical convention).", ["S66"])
    )
    basis = enum_field(
        Basis,
        "source: the sources state it; clinical-convention: no source we could find states it (unverified).",
        "source",
    )
    verified = ma.fields.Boolean(
        metadata=doc("True when a source read at its publisher states it; false: a convention or second-hand.", True)
    )
