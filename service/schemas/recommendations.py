"""POST /v1/recommendations: the report a person sends and the explained answer."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma

from service.engine.factors import FIELD_ORDER
from service.engine.models import REASON_RULES, RULES, Category, Msg, Outcome, Report, RuleLevel, Stage, Tried, Urgency
from service.engine.results import ExclusionKind
from service.schemas.base import MAX_ITEMS, RANGES, BaseSchema, OutputSchema, doc, enum_field, integer, one_of, text
from service.schemas.content import DisclaimerSchema, RedFlagSchema
from service.schemas.evidence import EvidenceBriefSchema

MAX_LIST = 50
ID = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
ID_FORMAT = "Must be an id: letters, digits and hyphens, up to 64 characters, e.g. {example}."
JURISDICTION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"
WEEKS_NEED_PREGNANT = "Only allowed together with pregnant=true."
ISO_3166 = "Must be an ISO 3166 code such as US or US-TX (capital letters), or null (not known)."


UNANSWERED = " Leave it out or send null when not answered: the answer then takes the safer reading."


def _int(name: str, description: str, example: int) -> ma.fields.Integer:
    return integer(description + UNANSWERED, example, *RANGES[name], allow_none=True)


class JsonBoolean(ma.fields.Boolean):
    """Only JSON true or false: "yes", 1 or 0 are rejected rather than guessed (1 and 0 equal True and False in
    Python, so truthy and falsy sets would let them through)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


def _bool(description: str, example: bool) -> ma.fields.Boolean:
    """A yes/no answer, or null: not answered."""
    return JsonBoolean(
        allow_none=True,
        error_messages={"invalid": "Must be true, false or null (not answered), without quotes."},
        metadata=doc(description, example),
    )


def _id(example: str, **kwargs: Any) -> ma.fields.String:
    """One id, with a message that says what an id looks like."""
    said = ID_FORMAT.format(example=example)
    checks = [ma.validate.Regexp(ID, error=said), ma.validate.Length(max=64, error=said)]
    return ma.fields.String(validate=checks, error_messages={"invalid": said}, **kwargs)


def _ids(description: str, example: list[str]) -> ma.fields.List:
    return ma.fields.List(
        _id(example[0] if example else "saddle-numbness"),
        validate=ma.validate.Length(max=MAX_LIST, error="At most {max} items."),
        allow_none=True,
        error_messages={"invalid": "Must be a list of ids, [] for none or null (not answered)."},
        metadata=doc(description, example),
    )


class TriedSchema(BaseSchema):
    error_messages = {"type": "Must be an object with treatment_id, outcome and weeks."}

    treatment_id = _id("physical-therapy", required=True, metadata=doc("Treatment id.", "physical-therapy"))
    weeks = integer("For how many weeks (null: not known).", 8, 0, 520, allow_none=True)
    outcome = enum_field(Outcome, "How it went.", "no_change", required=True)


class RecommendationRequestSchema(BaseSchema):
    error_messages = {"type": "Must be a JSON object: the report's fields (each optional)."}
    # The cross-field rule of check_report (service/engine/factors.py) JSON Schema can state: weeks of pregnancy only
    # with pregnant: true (weeks sent as null are not answered, so allowed alone). The others compare numbers
    # (symptoms longer than a life, a trial longer than the symptoms) or depend on the content (which ages a factor
    # is possible at), so only the 422 states them.
    json_schema: ClassVar[dict[str, Any]] = {
        "if": {"required": ["pregnancy_weeks"], "properties": {"pregnancy_weeks": {"type": "integer"}}},
        "then": {"required": ["pregnant"], "properties": {"pregnant": {"const": True}}},
    }

    age = _int("age", "Age in years (0-120).", 42)
    symptom_duration_days = _int("symptom_duration_days", "How long the symptoms have lasted, in days.", 10)
    pain_severity = _int("pain_severity", "Worst leg pain in the last day, 0 (none) to 10 (worst imaginable).", 6)
    red_flags = _ids("Red flag ids the person answered yes to (GET /v1/red-flags); none when left out.", [])
    red_flags_screened = _bool(
        "True when every red-flag question was asked. Left out, null or false: not screened, so the answer puts "
        "the checklist first and holds hands-on, needle, device, injection and surgical options.",
        True,
    )
    pregnant = _bool("Currently pregnant (send false when pregnancy is not possible)." + UNANSWERED, False)
    pregnancy_weeks = _int("pregnancy_weeks", "Weeks of pregnancy (only with pregnant=true).", 24)
    breastfeeding = _bool("Currently breastfeeding." + UNANSWERED, False)
    conditions = _ids(
        "Condition factor ids (GET /v1/factors, kind condition); [] for none." + UNANSWERED, ["kidney-disease"]
    )
    medications = _ids(
        "Medicine-class factor ids (GET /v1/factors, kind medication); [] for none." + UNANSWERED, ["anticoagulant"]
    )
    tried = ma.fields.List(
        ma.fields.Nested(TriedSchema),
        validate=ma.validate.Length(max=MAX_LIST, error="At most {max} items."),
        allow_none=True,
        error_messages={"invalid": "Must be a list of objects with treatment_id, outcome and weeks, or null (none)."},
        metadata=doc("Treatments already tried; none when left out."),
    )
    avoid = _ids("Preference ids to avoid (GET /v1/factors, kind preference); none when left out.", ["surgery"])
    jurisdiction = ma.fields.String(
        validate=[ma.validate.Regexp(JURISDICTION, error=ISO_3166), ma.validate.Length(max=6, error=ISO_3166)],
        allow_none=True,
        error_messages={"invalid": ISO_3166},
        metadata=doc("Where the person lives: ISO 3166-1 alpha-2 or ISO 3166-2 code; unknown when left out.", "US-TX"),
    )

    @ma.post_load
    def to_report(self, data: dict[str, Any], **kwargs: Any) -> Report:
        data["tried"] = tuple(Tried(**t) for t in data.get("tried") or ())
        data["red_flags_screened"] = bool(data.get("red_flags_screened"))
        for key in ("red_flags", "avoid"):
            data[key] = tuple(dict.fromkeys(data.get(key) or ()))  # de-duplicated, order kept
        for key in ("conditions", "medications"):  # None stays None: not answered
            if data.get(key) is not None:
                data[key] = tuple(dict.fromkeys(data[key]))
        return Report(**data)


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
