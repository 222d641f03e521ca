"""Schemas of the other content resources: tips, red flags, factors, sources, disclaimers, condition, scale, meta."""

from __future__ import annotations

import marshmallow as ma

from service.engine.factors import FIELD_ORDER
from service.engine.models import (
    AnswerType,
    CannabisStatus,
    Certainty,
    Claim,
    Direction,
    DisclaimerTrigger,
    FactorKind,
    Invasiveness,
    RedFlag,
    SourceType,
    Stage,
    Strength,
    Urgency,
)
from service.schemas.base import (
    LANG,
    MAX_ITEMS,
    RANGES,
    OutputSchema,
    TranslationOf,
    doc,
    enum_field,
    integer,
    one_of,
    text,
)
from service.schemas.evidence import EvidenceSchema, RuleSchema


class TipSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Tip id.", "stay-active-walking"))
    title = text("Short title.", "Keep moving")
    text = text("The tip, in plain language.")
    from_article = ma.fields.Boolean(metadata=doc("One of the source article's tips.", True))
    supports = ma.fields.List(
        ma.fields.String(),
        metadata=doc(
            "Treatment ids it advises doing: an answer that excludes one leaves the tip out.", ["staying-active"]
        ),
    )
    safety_net = ma.fields.Boolean(
        metadata=doc("What to watch for while waiting for care: given even when every option is on hold.", False)
    )
    stages = ma.fields.List(enum_field(Stage, "Stage."), metadata=doc("Duration stages it fits."))
    cautions = ma.fields.List(ma.fields.Nested(RuleSchema), attribute="rules", metadata=doc("Cautions by factor."))
    evidence = ma.fields.Nested(EvidenceSchema, metadata=doc("Evidence block."))
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids.", ["S1"]))
    last_reviewed = ma.fields.Date(metadata=doc("Last clinical review.", "2026-11-20"))
    next_review_due = ma.fields.Date(metadata=doc("Next review due.", "2027-11-20"))
    translation = TranslationOf()


class RedFlagSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Red flag id, used in a recommendation request.", "saddle-numbness"))
    questions = ma.fields.List(
        text("One yes/no question."),
        metadata=doc("Yes/no questions, each asking one thing; a yes to any of them reports this red flag."),
    )
    question = ma.fields.Method(
        "_question",
        metadata=doc("Deprecated: the questions above in one string. Ask `questions` one by one instead.", None),
    )
    meaning = text("What a yes may mean.")
    urgency = enum_field(Urgency, "How soon to get care when the answer is yes.", "emergency")
    escalates_with = ma.fields.List(
        ma.fields.String(), metadata=doc("Red flags that, reported together with this one, make it an emergency.")
    )
    holds = ma.fields.List(
        enum_field(Invasiveness, "Invasiveness tier."),
        metadata=doc("Kinds of option held until a clinician has assessed this sign.", ["minimal", "procedure"]),
    )
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids.", ["S30", "S31"]))

    def _question(self, flag: RedFlag) -> str:
        return " ".join(q.get_text(LANG.get()) for q in flag.questions)

    translation = TranslationOf()


class FactorSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Factor id, used in a recommendation request.", "kidney-disease"))
    kind = enum_field(
        FactorKind,
        "Which request field takes it (condition -> conditions, medication -> medications, preference -> avoid, jurisdiction -> jurisdiction); the rest are derived.",
        "condition",
    )
    label = text("Short label.", "Kidney disease")
    description = text("What counts.")
    min_age = integer("Age band: lowest age included.", None, *RANGES["age"], allow_none=True)
    max_age = integer("Age band: highest age included.", None, *RANGES["age"], allow_none=True)
    min_weeks = integer("Pregnancy: from this many weeks.", None, *RANGES["pregnancy_weeks"], allow_none=True)
    cannabis = enum_field(CannabisStatus, "Jurisdiction: cannabis legal status (not legal advice).", allow_none=True)
    implies_red_flag = ma.fields.String(allow_none=True, metadata=doc("Red flag this condition counts as.", None))
    plausible_min_age = integer(
        "Reported below this age, the report is refused as impossible.", None, *RANGES["age"], allow_none=True
    )
    plausible_max_age = integer(
        "Reported above this age, the report is refused as impossible.", None, *RANGES["age"], allow_none=True
    )
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids."))
    translation = TranslationOf()


class SourceSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Source id.", "S1"))
    title = ma.fields.String(metadata=doc("Title.", "Low back pain and sciatica in over 16s"))
    authors = ma.fields.String(metadata=doc("Authors or organisation.", "NICE"))
    year = integer("Year.", 2016, 1900, 2100)
    publisher = ma.fields.String(metadata=doc("Journal or publisher.", "NICE"))
    type = enum_field(SourceType, "Kind of source.", "guideline")
    doi = ma.fields.String(allow_none=True, metadata=doc("DOI.", None))
    pmid = ma.fields.String(allow_none=True, metadata=doc("PubMed id.", None))
    url = ma.fields.String(allow_none=True, metadata=doc("URL.", "https://www.nice.org.uk/guidance/ng59"))
    note = text(
        "What we rely on it for and where it says so; an identifier not verified is said here.", allow_none=True
    )
    states = ma.fields.List(
        enum_field(Claim, "Kind of rule."),
        metadata=doc("Kinds of rule it can back (a law only by a law source, a safety rule by a safety source).", []),
    )
    verified = ma.fields.Boolean(
        metadata=doc("True when read at its publisher; false: identifier or wording seen second-hand only.", True)
    )


class DisclaimerSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Disclaimer id.", "general"))
    audience = ma.fields.String(metadata=doc("Who it is for.", "everyone"))
    trigger = enum_field(DisclaimerTrigger, "When it is shown.", "always")
    text = text("The disclaimer.")
    translation = TranslationOf()


class CodingSchema(OutputSchema):
    system = ma.fields.String(metadata=doc("Code system URI.", "http://hl7.org/fhir/sid/icd-10-cm"))
    code = ma.fields.String(metadata=doc("Code.", "M54.31"))
    display = ma.fields.String(metadata=doc("Display.", "Sciatica, right side"))
    billable = ma.fields.Boolean(metadata=doc("Billable (ICD-10-CM).", True))


class StageBandSchema(OutputSchema):
    stage = enum_field(Stage, "Stage.", "acute")
    min_days = integer("First day of the band.", 0, *RANGES["symptom_duration_days"])
    max_days = integer(
        "Last day of the band (null: open-ended).", 41, *RANGES["symptom_duration_days"], allow_none=True
    )
    description = text("What the stage means.")


class ConditionSchema(OutputSchema):
    name = text("Name.", "Sciatica")
    summary = text("What sciatica is.")
    causes = ma.fields.List(text("A cause."), metadata=doc("Common causes."))
    integrative_plan = text("The idea of an integrative treatment plan.")
    stages = ma.fields.List(ma.fields.Nested(StageBandSchema), metadata=doc("Duration stages."))
    codes = ma.fields.List(ma.fields.Nested(CodingSchema), metadata=doc("ICD-10-CM and SNOMED CT codes."))
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids."))
    last_reviewed = ma.fields.Date(metadata=doc("Last clinical review.", "2026-11-20"))
    next_review_due = ma.fields.Date(metadata=doc("Next review due.", "2027-11-20"))
    translation = TranslationOf()


class ScaleLevelSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Value.", "moderate"))
    definition = text("Definition.")


class ScaleMappingSchema(OutputSchema):
    system = ma.fields.String(metadata=doc("Other grading system.", "SORT"))
    grade = ma.fields.String(metadata=doc("Its grade.", "A"))
    certainty = enum_field(Certainty, "Our certainty it maps to.", allow_none=True)
    direction = enum_field(Direction, "Our direction it maps to.", allow_none=True)
    strength = enum_field(Strength, "Our strength it maps to.", allow_none=True)
    note = text("Caveats of the mapping.")


class EvidenceScaleSchema(OutputSchema):
    certainty = ma.fields.List(ma.fields.Nested(ScaleLevelSchema), metadata=doc("GRADE certainty levels."))
    direction = ma.fields.List(ma.fields.Nested(ScaleLevelSchema), metadata=doc("Recommendation directions."))
    strength = ma.fields.List(ma.fields.Nested(ScaleLevelSchema), metadata=doc("Recommendation strengths."))
    scope = ma.fields.List(ma.fields.Nested(ScaleLevelSchema), metadata=doc("Evidence scopes."))
    mappings = ma.fields.List(
        ma.fields.Nested(ScaleMappingSchema), metadata=doc("How SORT, NICE wording, Oxford CEBM and ACP map onto ours.")
    )
    sources = ma.fields.List(ma.fields.String(), metadata=doc("Source ids."))
    translation = TranslationOf()


class CountsSchema(OutputSchema):
    treatments = integer("Treatments.", 30, 0, MAX_ITEMS)
    tips = integer("Tips.", 10, 0, MAX_ITEMS)
    red_flags = integer("Red flags.", 16, 0, MAX_ITEMS)
    factors = integer("Factors.", 60, 0, MAX_ITEMS)
    sources = integer("Sources.", 45, 0, MAX_ITEMS)


class ClaimCountsSchema(OutputSchema):
    rules = integer(
        "Safety rules (contraindications, cautions, medicine combinations, drug classes).", 200, 0, MAX_ITEMS
    )
    verified = integer("Stated by a source read at its publisher.", 150, 0, MAX_ITEMS)
    second_hand = integer("Stated by a source seen only second-hand or in a copy.", 20, 0, MAX_ITEMS)
    clinical_convention = integer("No source found that states it: clinical convention, unverified.", 10, 0, MAX_ITEMS)


class MetaSchema(OutputSchema):
    content_version = ma.fields.String(metadata=doc("Semantic version of the clinical content.", "1.0.0"))
    content_hash = ma.fields.String(metadata=doc("SHA-256 of the content files."))
    api_version = ma.fields.String(metadata=doc("API version.", "1.0.0"))
    languages = ma.fields.List(ma.fields.String(), metadata=doc("Languages available.", ["en"]))
    counts = ma.fields.Nested(CountsSchema, metadata=doc("How many items of each kind."))
    claims = ma.fields.Nested(ClaimCountsSchema, metadata=doc("How well the safety rules are sourced."))
    latest_review = ma.fields.Date(metadata=doc("Most recent clinical review date of any item.", "2026-11-20"))
    next_review_due = ma.fields.Date(metadata=doc("Earliest review due date of any item.", "2027-11-20"))


class QuestionOptionSchema(OutputSchema):
    value = ma.fields.String(metadata=doc("Value to send in the request field.", "kidney-disease"))
    label = text("Label to show.", "Kidney disease")


ANSWER_MAX = max(high for _, high in RANGES.values())


class QuestionSchema(OutputSchema):
    id = ma.fields.String(metadata=doc("Question id.", "age"))
    prompt = text("What to ask.", "How old are you?")
    help = text("Extra help.", allow_none=True)
    answer_type = enum_field(
        AnswerType,
        "boolean: true or false; integer: a whole number from minimum to maximum; single_choice: one of the options' "
        "values; multi_choice: a list of them; tried_list: the treatments tried, each with how it went.",
        "integer",
    )
    field = one_of(FIELD_ORDER, "Request field (of POST /v1/recommendations) the answer fills.", "age")
    value = ma.fields.String(
        allow_none=True, metadata=doc("For red-flag questions: the id to add to red_flags on yes.", None)
    )
    minimum = integer("Lowest allowed integer.", 0, 0, ANSWER_MAX, allow_none=True)
    maximum = integer("Highest allowed integer.", 120, 0, ANSWER_MAX, allow_none=True)
    options = ma.fields.List(ma.fields.Nested(QuestionOptionSchema), metadata=doc("Choices, for choice questions."))
    translation = TranslationOf()
