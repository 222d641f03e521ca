"""Treatment schemas: full item, compact summary, and the list filters."""

from __future__ import annotations

import marshmallow as ma

from service.engine.models import Category, Certainty, Direction, Invasiveness, Stage
from service.schemas.base import OutputSchema, QuerySchema, TranslationOf, doc, enum_field, integer, text
from service.schemas.evidence import EvidenceBriefSchema, EvidenceSchema, RuleSchema


def illustration_path(exercise_id: str) -> str:
    """Where an exercise's picture is served (service/api/illustrations.py)."""
    return f"/v1/illustrations/{exercise_id}.svg"


class IllustrationSchema(OutputSchema):
    url = ma.fields.Function(
        lambda p: illustration_path(p.id),
        metadata=doc(
            "Path of the picture (image/svg+xml).",
            "/v1/illustrations/knee-to-chest.svg",
            type="string",
            pattern=r"^/v1/illustrations/[a-z0-9-]+\.svg$",
        ),
    )
    alt = text(
        "Alt text: what the picture shows, in plain words.",
        "A person lies on their back with knees bent. They hold one knee with both hands and pull it toward the chest.",
    )
    width = integer("Width in CSS pixels (the picture scales: keep this aspect ratio).", 240, 1, 4096)
    height = integer("Height in CSS pixels.", 94, 1, 4096)


class ExerciseSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Exercise id.", "knee-to-chest"))
    name = text("Exercise name.", "Knee-to-chest stretch")
    steps = ma.fields.List(text("One step."), metadata=doc("How to do it, step by step."))
    dose = text("Hold time, repetitions and how often.", "Hold 20-30 seconds, 3 times, twice a day.")
    stop_if = text("When to stop.", "Stop if pain spreads further down the leg.")
    illustration = ma.fields.Nested(IllustrationSchema, metadata=doc("A simple drawing of the pose, with alt text."))


class DrugSchema(OutputSchema):
    name = ma.fields.String(metadata=doc("Generic (ingredient) name.", "ibuprofen"))
    brands = ma.fields.List(ma.fields.String(), metadata=doc("Example brand names.", ["Advil", "Nurofen"]))
    rxnorm = ma.fields.String(metadata=doc("RxNorm ingredient RxCUI.", "5640"))
    rxnorm_verified = ma.fields.Boolean(metadata=doc("False where the code still needs checking against RxNav.", True))
    label = text("The medicine's name as a person reads it, in the answer's language.", "ibuprofeno")


class CriteriaSchema(OutputSchema):
    text = text("When a specialist considers it, in plain language.")
    min_pain = integer("Leg pain at least this (0-10).", 7, 0, 10, allow_none=True)
    min_days = integer("Symptoms for at least this many days.", 42, 0, 36500, allow_none=True)
    failed_care = ma.fields.Boolean(
        metadata=doc("Another option tried without help (no change after 6+ weeks, or worse).", True)
    )
    never = ma.fields.Boolean(metadata=doc("Never suggested here.", False))
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids.", ["S1"]))


def _link(t: object) -> str:
    return f"/v1/treatments/{t.id}"  # type: ignore[attr-defined]


class TreatmentSummarySchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Stable treatment id (slug).", "staying-active"))
    name = text("Name.", "Staying active")
    category = enum_field(Category, "Kind of treatment.", "self_care")
    summary = text("One or two plain sentences.", "Keep up your normal daily activities.")
    stages = ma.fields.List(enum_field(Stage, "Stage."), metadata=doc("Duration stages it fits.", ["acute"]))
    invasiveness = enum_field(
        Invasiveness, "Invasiveness tier, least to most: none, minimal, systemic, procedure, surgical.", "none"
    )
    requires_clinician = ma.fields.Boolean(metadata=doc("Needs a prescription or referral.", False))
    evidence = ma.fields.Nested(EvidenceBriefSchema, metadata=doc("Certainty, direction and strength."))
    link = ma.fields.Function(
        _link, metadata=doc("Path of the full item.", "/v1/treatments/staying-active", type="string")
    )
    translation = TranslationOf()


class TreatmentSchema(TreatmentSummarySchema):
    details = text("A short plain-language explanation.")
    involves = ma.fields.List(text("One element."), metadata=doc("What doing it looks like."))
    exercises = ma.fields.List(ma.fields.Nested(ExerciseSchema), metadata=doc("Named exercises (exercise items)."))
    delivered_by = text("Who delivers it.", "You, with advice from a physiotherapist")
    prescription_required = ma.fields.Boolean(metadata=doc("A prescription is needed.", False))
    referral_required = ma.fields.Boolean(metadata=doc("A referral is usually needed.", False))
    access_notes = text("How to get it (direct access, self-pay, over the counter).", allow_none=True)
    time_to_benefit = text("Typical time to benefit, where known.", allow_none=True)
    avoid_if = ma.fields.List(ma.fields.String(), metadata=doc("Preference ids that rule it out.", ["medication"]))
    cautions = ma.fields.List(
        ma.fields.Nested(RuleSchema), attribute="rules", metadata=doc("Contraindications and cautions by factor.")
    )
    drugs = ma.fields.List(ma.fields.Nested(DrugSchema), metadata=doc("Example medicines with RxNorm codes."))
    criteria = ma.fields.Nested(
        CriteriaSchema,
        allow_none=True,
        metadata=doc("Specialist options only: all stated criteria must be met before it is suggested."),
    )
    evidence = ma.fields.Nested(EvidenceSchema, metadata=doc("Full evidence block."))
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids (see /v1/sources).", ["S1", "S6"]))
    last_reviewed = ma.fields.Date(metadata=doc("Date of the last clinical review.", "2026-11-20"))
    next_review_due = ma.fields.Date(metadata=doc("Date the next review is due.", "2027-11-20"))


class TreatmentQuerySchema(QuerySchema):
    category = enum_field(Category, "Only this category.")
    stage = enum_field(Stage, "Only treatments that fit this duration stage.")
    min_certainty = enum_field(Certainty, "Only evidence at least this certain (high > moderate > low > very_low).")
    direction = enum_field(Direction, "Only this recommendation direction.")
    requires_clinician = ma.fields.Boolean(
        metadata=doc("Only treatments that do (true) or do not (false) need a clinician.")
    )
    view = ma.fields.String(
        load_default="summary",
        validate=ma.validate.OneOf(["summary", "full"]),
        metadata=doc("summary: compact items; full: every field.", "summary"),
    )
