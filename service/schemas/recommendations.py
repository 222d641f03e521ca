"""POST /v1/recommendations: the explained answer (the report it answers: service/schemas/report.py)."""

from __future__ import annotations

import marshmallow as ma

from service.engine.factors import FIELD_ORDER
from service.engine.models import REASON_RULES, RULES, Category, Msg, RuleLevel, Stage, Urgency
from service.engine.results import ExclusionKind
from service.schemas.base import MAX_ITEMS, OutputSchema, doc, enum_field, integer, one_of, text
from service.schemas.content import DisclaimerSchema, RedFlagSchema
from service.schemas.evidence import EvidenceBriefSchema


class ReasonSchema(OutputSchema):
    rule = one_of(REASON_RULES, "Id of the rule that produced it (see trace).", "contraindications")
    code = one_of([m.value for m in Msg], "Machine-readable reason code.", "contraindicated")
    text = ma.fields.String(
        metadata=doc("Plain-language reason.", "Anti-inflammatory painkillers can harm the kidneys.")
    )
    factors = ma.fields.List(
        ma.fields.String(), metadata=doc("Factor ids or request fields it read.", ["kidney-disease"])
    )


class CautionSchema(OutputSchema):
    factor = ma.fields.String(
        metadata=doc("Factor id, or `tried` for a bad reaction to a medicine of the same kind.", "age-65-plus")
    )
    level = enum_field(
        RuleLevel,
        "caution: shown with a warning; clinician_only: only with a clinician's advice (clinician_needed is then "
        "true); exclude: never on a caution, as an excluding rule leaves the option out (listed for completeness).",
        "caution",
    )
    text = ma.fields.String(metadata=doc("What to watch for.", "Stomach and kidney side effects are more likely."))


class TriageSchema(OutputSchema):
    level = enum_field(
        Urgency,
        "How soon to get care: emergency (now), urgent (today), soon (within 1 to 3 days), consult (within 2 "
        "weeks) or self_care. Never less urgent than the most urgent red flag reported or implied.",
        "self_care",
    )
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema), metadata=doc("Which red flags or rules set the level."))
    action = ma.fields.String(metadata=doc("The plain-language next step."))


class RecommendedSchema(OutputSchema):
    treatment_id = ma.fields.String(attribute="treatment.id", metadata=doc("Treatment id.", "staying-active"))
    name = text("Name.", "Staying active", attribute="treatment.name")
    category = enum_field(Category, "Kind of treatment.", "self_care", attribute="treatment.category")
    rank = integer("1 is the first option to consider.", 1, 1, MAX_ITEMS)
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema), metadata=doc("Why it is suggested."))
    evidence = ma.fields.Nested(EvidenceBriefSchema, attribute="treatment.evidence", metadata=doc("Evidence grade."))
    cautions = ma.fields.List(ma.fields.Nested(CautionSchema), metadata=doc("Cautions that apply to this person."))
    clinician_needed = ma.fields.Boolean(metadata=doc("A clinician must be involved.", False))
    link = ma.fields.Function(
        lambda r: f"/v1/treatments/{r.treatment.id}",
        metadata=doc("Full item.", "/v1/treatments/staying-active", type="string"),
    )


class ExcludedSchema(OutputSchema):
    treatment_id = ma.fields.String(attribute="treatment.id", metadata=doc("Treatment id.", "bed-rest"))
    name = text("Name.", "Bed rest", attribute="treatment.name")
    kind = enum_field(
        ExclusionKind,
        "Why it is left out, the most serious when several reasons apply (most serious first): contraindicated "
        "(unsafe for this person), held_for_urgent_care (everything waits for a same-day assessment), "
        "held_for_assessment (a warning sign must be checked first), held_until_screened (the warning-sign "
        "questions were not all asked), did_not_work (tried before: worse or side effects), evidence_against (weak "
        "or negative evidence), not_now (not for this stage of sciatica), specialist_only (a specialist option whose "
        "criteria are not met), preference (the person asked to avoid it).",
        "evidence_against",
    )
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema), metadata=doc("Why it is not suggested: every reason."))
    link = ma.fields.Function(
        lambda r: f"/v1/treatments/{r.treatment.id}",
        metadata=doc("Full item.", "/v1/treatments/bed-rest", type="string"),
    )


class TipAdviceSchema(OutputSchema):
    id = ma.fields.String(attribute="tip.id", metadata=doc("Tip id.", "stay-active-walking"))
    title = text("Title.", attribute="tip.title")
    text = text("The tip.", attribute="tip.text")
    cautions = ma.fields.List(ma.fields.Nested(CautionSchema), metadata=doc("Cautions for this person."))


class TraceStepSchema(OutputSchema):
    rule = one_of(RULES, "Rule id, in the order the rules run.", "red-flags")
    read = ma.fields.Function(
        lambda s: dict(s.read),
        metadata=doc("Inputs the rule read and their values.", {"red_flags": "none"}, type="object"),
    )
    decision = ma.fields.String(metadata=doc("What it decided.", "level self_care"))


class RecommendationSchema(OutputSchema):
    """The answer of POST /v1/recommendations, as documented. The service writes it with recommendations_presenter.py
    (the same JSON without marshmallow, on the hot path); tests/api/test_present.py proves both equal."""

    triage = ma.fields.Nested(TriageSchema, metadata=doc("Urgency and next step."))
    stage = enum_field(Stage, "Duration stage (the earliest possible one when duration was not reported).", "acute")
    stage_assumed = ma.fields.Boolean(
        metadata=doc(
            "True when symptom_duration_days was not reported: only options and tips that fit every possible "
            "stage are offered.",
            False,
        )
    )
    red_flags_screened = ma.fields.Boolean(metadata=doc("Echo of red_flags_screened.", True))
    red_flag_checklist = ma.fields.List(
        ma.fields.Nested(RedFlagSchema), metadata=doc("All warning-sign questions, when not screened.")
    )
    recommendations = ma.fields.List(ma.fields.Nested(RecommendedSchema), metadata=doc("Ranked options that fit."))
    excluded = ma.fields.List(ma.fields.Nested(ExcludedSchema), metadata=doc("Options not suggested, with reasons."))
    tips = ma.fields.List(ma.fields.Nested(TipAdviceSchema), metadata=doc("Self-care tips that apply."))
    disclaimers = ma.fields.List(ma.fields.Nested(DisclaimerSchema), metadata=doc("Always present."))
    trace = ma.fields.List(ma.fields.Nested(TraceStepSchema), metadata=doc("Rules evaluated, in order."))
    unanswered = ma.fields.List(
        one_of(FIELD_ORDER, "A request field."),
        metadata=doc(
            "Request fields that were not answered and were read the safer way (ask them for a fuller answer).",
            ["age", "medications"],
        ),
    )
    content_version = ma.fields.String(metadata=doc("Content version the answer came from.", "1.0.0"))
