"""The published clinical safety case: the risk matrix and the hazard log with controls and verifications."""

from __future__ import annotations

import marshmallow as ma

from service.engine.hazards import ControlKind, Likelihood, Severity
from service.schemas.base import OutputSchema, doc, enum_field, integer


class RiskLevelSchema(OutputSchema):
    rating = integer("Risk rating, 1 (acceptable) to 5 (unacceptable).", 2, 1, 5)
    label = ma.fields.String(
        metadata=doc("What the rating means.", "acceptable where further reduction is impractical")
    )
    meaning = ma.fields.String(metadata=doc("What must be done at this rating."))


class RiskMatrixSchema(OutputSchema):
    standard = ma.fields.String(metadata=doc("The risk management standard the matrix follows."))
    likelihood = ma.fields.List(
        enum_field(Likelihood, "Likelihood level."), metadata=doc("Rows, least likely first.", ["very_low", "low"])
    )
    severity = ma.fields.List(
        enum_field(Severity, "Severity level."), metadata=doc("Columns, least severe first.", ["minor", "significant"])
    )
    ratings = ma.fields.List(
        ma.fields.List(integer("Rating.", 1, 1, 5)), metadata=doc("ratings[likelihood][severity].", [[1, 1, 2, 2, 3]])
    )
    levels = ma.fields.List(ma.fields.Nested(RiskLevelSchema), metadata=doc("What each rating means."))
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids (see /v1/sources).", ["S64"]))


class RiskSchema(OutputSchema):
    severity = enum_field(Severity, "Consequence for the person.", "major")
    likelihood = enum_field(Likelihood, "How likely.", "low")
    rating = integer("Rating from the risk matrix.", 3, 1, 5)


class ResidualRiskSchema(RiskSchema):
    note = ma.fields.String(metadata=doc("Why the residual risk is acceptable, or what remains to be done."))


class ControlSchema(OutputSchema):
    kind = enum_field(
        ControlKind,
        "rule: an engine rule id as named in every answer's trace; knowledge: a knowledge file or file#record; "
        "code: a module of the service; test: a gate run on every build.",
        "rule",
    )
    ref = ma.fields.String(metadata=doc("What the control is.", "red-flags"))
    does = ma.fields.String(metadata=doc("How it stops or reduces the hazard."))


class HazardSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Hazard id.", "HAZ-01"))
    title = ma.fields.String(metadata=doc("Short title.", "A red flag is missed or outranked by self-care advice"))
    description = ma.fields.String(metadata=doc("What goes wrong."))
    causes = ma.fields.List(ma.fields.String(), metadata=doc("How it could happen."))
    effect = ma.fields.String(metadata=doc("The effect on the person."))
    classes = ma.fields.List(ma.fields.String(), metadata=doc("Failure classes of the external review it answers."))
    initial = ma.fields.Nested(RiskSchema, metadata=doc("Risk before the controls."))
    controls = ma.fields.List(ma.fields.Nested(ControlSchema), metadata=doc("What stops it."))
    verification = ma.fields.List(
        ma.fields.String(),
        metadata=doc(
            "Tests that show the controls work (pytest node ids; every build runs them).",
            ["tests/engine/test_properties.py::test_red_flags_win_and_the_level_fits_the_most_urgent_reason"],
        ),
    )
    residual = ma.fields.Nested(ResidualRiskSchema, metadata=doc("Risk after the controls, and why it is accepted."))


class HazardLogSchema(OutputSchema):
    content_version = ma.fields.String(metadata=doc("Content version the log belongs to.", "1.0.0"))
    risk_matrix = ma.fields.Nested(RiskMatrixSchema, metadata=doc("How severity and likelihood give a rating."))
    hazards = ma.fields.List(ma.fields.Nested(HazardSchema), metadata=doc("Every hazard, with controls and proof."))
