"""Domain types of the knowledge base and of a recommendation: frozen dataclasses and enums."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

DEFAULT_LANGUAGE = "en"


class Category(enum.Enum):
    SELF_CARE = "self_care"
    EXERCISE = "exercise"
    MANUAL_THERAPY = "manual_therapy"
    COMPLEMENTARY = "complementary"
    MEDICATION = "medication"
    INJECTION = "injection"
    SURGERY = "surgery"


class Stage(enum.Enum):
    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


class Certainty(enum.Enum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"


class Direction(enum.Enum):
    FOR = "for"
    AGAINST = "against"
    CONDITIONAL = "conditional"
    NO_RECOMMENDATION = "no_recommendation"
    CONFLICTING = "conflicting"


class Strength(enum.Enum):
    STRONG = "strong"
    CONDITIONAL = "conditional"
    NONE = "none"


class Scope(enum.Enum):
    SCIATICA_SPECIFIC = "sciatica_specific"
    INDIRECT = "indirect"


class Invasiveness(enum.Enum):
    """Ordered from least to most invasive; the order is used for ranking."""

    NONE = "none"
    MINIMAL = "minimal"
    SYSTEMIC = "systemic"
    PROCEDURE = "procedure"
    SURGICAL = "surgical"


class RuleLevel(enum.Enum):
    EXCLUDE = "exclude"
    CAUTION = "caution"
    CLINICIAN_ONLY = "clinician_only"


class Urgency(enum.Enum):
    """Triage levels, ordered from most to least urgent."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CONSULT = "consult"
    SELF_CARE = "self_care"


class FactorKind(enum.Enum):
    CONDITION = "condition"
    MEDICATION = "medication"
    PREGNANCY = "pregnancy"
    BREASTFEEDING = "breastfeeding"
    AGE_BAND = "age_band"
    PREFERENCE = "preference"
    JURISDICTION = "jurisdiction"
    CANNABIS_LAW = "cannabis_law"


class CannabisStatus(enum.Enum):
    LEGAL = "legal"
    MEDICAL_ONLY = "medical_only"
    PROHIBITED = "prohibited"
    VARIES = "varies"


class SourceType(enum.Enum):
    GUIDELINE = "guideline"
    SYSTEMATIC_REVIEW = "systematic_review"
    RCT = "rct"
    REVIEW = "review"
    REGULATORY = "regulatory"
    GRADING_SYSTEM = "grading_system"
    PATIENT_INFORMATION = "patient_information"
    COHORT = "cohort"


class DisclaimerTrigger(enum.Enum):
    ALWAYS = "always"
    NOT_SCREENED = "not_screened"
    EMERGENCY = "emergency"
    PREGNANT = "pregnant"
    BREASTFEEDING = "breastfeeding"
    UNDER_16 = "under_16"
    CANNABIS_LAW = "cannabis_law"
    CLINICIAN_OPTIONS = "clinician_options"


class Msg(enum.Enum):
    """Reason codes the engine emits; their wording lives in messages.yaml."""

    RED_FLAG = "red_flag"
    RED_FLAG_COMBINATION = "red_flag_combination"
    IMPLIED_RED_FLAG = "implied_red_flag"
    UNDER_16 = "under_16"
    NOT_SCREENED = "not_screened"
    PERSISTENT_SYMPTOMS = "persistent_symptoms"
    SEVERE_ACUTE_PAIN = "severe_acute_pain"
    NO_CONCERNS = "no_concerns"
    CONTRAINDICATED = "contraindicated"
    EVIDENCE_AGAINST = "evidence_against"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_FOR_STAGE = "not_for_stage"
    NEEDS_ASSESSMENT_FIRST = "needs_assessment_first"
    PREFERENCE = "preference"
    TRIED_WORSE = "tried_worse"
    TRIED_SIDE_EFFECTS = "tried_side_effects"
    URGENT_ASSESSMENT_FIRST = "urgent_assessment_first"
    ASSESSMENT_FIRST = "assessment_first"
    EVIDENCE_SUPPORTS = "evidence_supports"
    EVIDENCE_UNCERTAIN = "evidence_uncertain"
    FITS_STAGE = "fits_stage"
    FIRST_LINE = "first_line"
    TRIED_HELPED = "tried_helped"
    TRIED_NO_CHANGE = "tried_no_change"
    CLINICIAN_DECISION = "clinician_decision"
    SPECIALIST_OPTION = "specialist_option"


class Outcome(enum.Enum):
    HELPED = "helped"
    NO_CHANGE = "no_change"
    WORSE = "worse"
    SIDE_EFFECTS = "side_effects"


class Text(Mapping[str, str]):
    """A translatable text: language code -> wording. English is required."""

    __slots__ = ("_by_lang",)

    def __init__(self, by_lang: Mapping[str, str]) -> None:
        self._by_lang = MappingProxyType(dict(by_lang))

    def __getitem__(self, lang: str) -> str:
        return self._by_lang[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_lang)

    def __len__(self) -> int:
        return len(self._by_lang)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._by_lang.items())))

    def __repr__(self) -> str:
        return f"Text({dict(self._by_lang)!r})"

    def get_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The wording in `lang`, falling back to English."""
        return self._by_lang.get(lang) or self._by_lang[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class SourceGrade:
    source: str
    system: str
    grade: str


@dataclass(frozen=True)
class Evidence:
    certainty: Certainty
    direction: Direction
    strength: Strength
    scope: Scope
    summary: Text
    source_grades: tuple[SourceGrade, ...]


@dataclass(frozen=True)
class FactorRule:
    """A contraindication or caution: when `factor` is present, apply `level`."""

    factor: str
    level: RuleLevel
    reason: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    id: str
    name: Text
    steps: tuple[Text, ...]
    dose: Text
    stop_if: Text


@dataclass(frozen=True)
class Drug:
    name: str
    brands: tuple[str, ...]
    rxnorm: str
    rxnorm_verified: bool


@dataclass(frozen=True)
class Treatment:
    id: str
    name: Text
    category: Category
    summary: Text
    details: Text
    involves: tuple[Text, ...]
    delivered_by: Text
    prescription_required: bool
    referral_required: bool
    access_notes: Text | None
    stages: tuple[Stage, ...]
    invasiveness: Invasiveness
    time_to_benefit: Text | None
    avoid_if: tuple[str, ...]
    rules: tuple[FactorRule, ...]
    evidence: Evidence
    sources: tuple[str, ...]
    last_reviewed: date
    next_review_due: date
    exercises: tuple[Exercise, ...] = ()
    drugs: tuple[Drug, ...] = ()

    @property
    def requires_clinician(self) -> bool:
        return self.prescription_required or self.referral_required


@dataclass(frozen=True)
class Tip:
    id: str
    title: Text
    text: Text
    stages: tuple[Stage, ...]
    rules: tuple[FactorRule, ...]
    evidence: Evidence
    sources: tuple[str, ...]
    last_reviewed: date
    next_review_due: date
    from_article: bool = False


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: Text
    meaning: Text
    urgency: Urgency
    sources: tuple[str, ...]
    escalates_with: tuple[str, ...] = ()
    holds: tuple[Category, ...] = ()  # categories held back until a clinician has assessed this sign


@dataclass(frozen=True)
class Factor:
    id: str
    kind: FactorKind
    label: Text
    description: Text
    min_age: int | None = None
    max_age: int | None = None
    min_weeks: int | None = None
    cannabis: CannabisStatus | None = None
    implies_red_flag: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    authors: str
    year: int
    publisher: str
    type: SourceType
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Disclaimer:
    id: str
    audience: str
    trigger: DisclaimerTrigger
    text: Text


@dataclass(frozen=True)
class Coding:
    system: str
    code: str
    display: str
    billable: bool


@dataclass(frozen=True)
class StageBand:
    stage: Stage
    min_days: int
    max_days: int | None
    description: Text


@dataclass(frozen=True)
class Condition:
    name: Text
    summary: Text
    causes: tuple[Text, ...]
    integrative_plan: Text
    stages: tuple[StageBand, ...]
    codes: tuple[Coding, ...]
    sources: tuple[str, ...]
    last_reviewed: date
    next_review_due: date


@dataclass(frozen=True)
class ScaleLevel:
    id: str
    definition: Text


@dataclass(frozen=True)
class ScaleMapping:
    system: str
    grade: str
    certainty: Certainty | None
    direction: Direction | None
    strength: Strength | None
    note: Text


@dataclass(frozen=True)
class EvidenceScale:
    certainty: tuple[ScaleLevel, ...]
    direction: tuple[ScaleLevel, ...]
    strength: tuple[ScaleLevel, ...]
    scope: tuple[ScaleLevel, ...]
    mappings: tuple[ScaleMapping, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TriageAction:
    level: Urgency
    action: Text


@dataclass(frozen=True)
class Message:
    id: Msg
    text: Text


@dataclass(frozen=True)
class Question:
    id: str
    prompt: Text
    answer_type: str
    field: str
    options_from: str | None = None
    help: Text | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole loaded knowledge, immutable; every reference inside it resolves."""

    content_version: str
    content_hash: str
    treatments: tuple[Treatment, ...]
    tips: tuple[Tip, ...]
    red_flags: tuple[RedFlag, ...]
    factors: tuple[Factor, ...]
    sources: tuple[Source, ...]
    disclaimers: tuple[Disclaimer, ...]
    condition: Condition
    evidence_scale: EvidenceScale
    triage_actions: tuple[TriageAction, ...]
    questions: tuple[Question, ...]
    messages: tuple[Message, ...]
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    index: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tried:
    """A treatment the person already tried, for how long and how it went."""

    treatment_id: str
    outcome: Outcome
    weeks: int | None = None


@dataclass(frozen=True)
class Report:
    """What a person reports; every field is optional and the answer stays safe when little is known."""

    age: int | None = None
    symptom_duration_days: int | None = None
    pain_severity: int | None = None
    red_flags: tuple[str, ...] = ()
    red_flags_screened: bool = False
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    breastfeeding: bool = False
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    tried: tuple[Tried, ...] = ()
    avoid: tuple[str, ...] = ()
    jurisdiction: str | None = None
