"""Domain types of the knowledge base and of a recommendation: frozen dataclasses and enums."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from service.engine.hazards import Hazard, RiskMatrix

DEFAULT_LANGUAGE = "en"
# The engine's rule ids, as every answer's trace names them (the hazard log cites them as controls).
RULES = (
    "derive-factors", "stage", "red-flags", "implied-red-flags", "red-flag-combinations", "medicine-combinations",
    "age-scope", "persistent-symptoms", "severe-acute-pain", "screening", "emergency-short-circuit", "urgent-hold",
    "contraindications", "evidence", "stage-fit", "specialist-gate", "red-flag-holds", "screening-hold",
    "preferences", "prior-tries", "drug-classes", "rank", "tips", "disclaimers",
)  # fmt: skip
# Every rule a reason can name: the trace's, and two that only explain a recommendation.
REASON_RULES = (*RULES, "first-line", "clinician")


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
    """Triage levels, ordered from most to least urgent; each level's time frame is in triage.yaml."""

    EMERGENCY = "emergency"  # now
    URGENT = "urgent"  # today
    SOON = "soon"  # within 1 to 3 days
    CONSULT = "consult"  # within 2 weeks
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
    LABEL = "label"  # a product label, prescribing information or medication guide
    FORMULARY = "formulary"  # a national formulary (BNF, NHS medicines pages)
    LAW = "law"  # a law register or a government page stating the law


class Claim(enum.Enum):
    """What kind of statement a rule makes, and so which sources can state it."""

    DRUG_SAFETY = "drug_safety"  # a caution about a medicine or supplement (regulator, label, formulary, guideline)
    TREATMENT_SAFETY = "treatment_safety"  # a risk of a procedure, hands-on care, a device, heat or exercise
    LAW = "law"  # what the law allows


class Basis(enum.Enum):
    SOURCE = "source"  # the cited sources state it
    CLINICAL_CONVENTION = "clinical-convention"  # no source found that states it: unverified, shown as such


class DisclaimerTrigger(enum.Enum):
    ALWAYS = "always"
    NOT_SCREENED = "not_screened"
    EMERGENCY = "emergency"
    PREGNANT = "pregnant"
    BREASTFEEDING = "breastfeeding"
    UNDER_16 = "under_16"
    CANNABIS_LAW = "cannabis_law"
    CLINICIAN_OPTIONS = "clinician_options"
    UNANSWERED = "unanswered"


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
    NOT_RULED_OUT = "not_ruled_out"
    SCREENING_FIRST = "screening_first"
    CLASS_REACTION = "class_reaction"
    ALREADY_TAKING = "already_taking"
    MEDICINE_COMBINATION = "medicine_combination"
    UNANSWERED_AGE = "unanswered_age"
    UNANSWERED_DURATION = "unanswered_duration"
    UNANSWERED_PAIN = "unanswered_pain"
    UNANSWERED_PREGNANT = "unanswered_pregnant"
    UNANSWERED_WEEKS = "unanswered_weeks"
    UNANSWERED_BREASTFEEDING = "unanswered_breastfeeding"
    UNANSWERED_CONDITIONS = "unanswered_conditions"
    UNANSWERED_MEDICATIONS = "unanswered_medications"


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


def language_for(tag: str, languages: Iterable[str]) -> str | None:
    """RFC 4647 lookup of one language tag among `languages`: the tag, cut back subtag by subtag (es-MX, es), in any
    case; None when no cut matches."""
    known, tag = set(languages), tag.lower()
    while tag:
        if tag in known:
            return tag
        tag = tag.rpartition("-")[0]
    return None


class TechnicalText(Text):
    """Wording for clinicians and reviewers (EHR cards, source notes, grade mappings): English only, in the
    guideline's own terms, so it is never translated and never counts as a patient text missing a translation."""


class TranslationStatus(enum.Enum):
    DRAFT = "draft"  # translated, not yet checked by a bilingual clinician
    REVIEWED = "reviewed"  # checked against the English by a bilingual clinician


@dataclass(frozen=True)
class Translation:
    """Who translated a record's texts into `language`, how far it is checked, and when."""

    language: str
    status: TranslationStatus
    by: str
    date: date


@dataclass(frozen=True)
class Translated:
    """A record whose person-facing texts can be translated; the loader fills `translations` from
    knowledge/data/translations/<language>/ (never written in the English file)."""

    translations: tuple[Translation, ...] = field(default=(), kw_only=True)

    def translation(self, lang: str) -> Translation | None:
        """The translation into `lang`, None for the English original."""
        return next((t for t in self.translations if t.language == lang), None)


@dataclass(frozen=True)
class SourceGrade:
    source: str
    system: str
    grade: str


@dataclass(frozen=True)
class StageEvidence:
    """The evidence for some stages, where it differs from the option's evidence for the others."""

    stages: tuple[Stage, ...]
    certainty: Certainty
    direction: Direction
    strength: Strength
    summary: Text
    source_grades: tuple[SourceGrade, ...]
    clinician: TechnicalText
    stance: Text | None = None


@dataclass(frozen=True)
class Evidence:
    certainty: Certainty
    direction: Direction
    strength: Strength
    scope: Scope
    summary: Text
    source_grades: tuple[SourceGrade, ...]
    stance: Text | None = None  # what an exclusion on this evidence says, where the generic wording would mislead
    clinician: TechnicalText | None = None  # for EHR cards: short, technical, the grade in the guideline's words
    by_stage: tuple[StageEvidence, ...] = ()  # where the evidence differs by stage (opioids: chronic vs acute)

    def at(self, stage: Stage) -> Evidence | StageEvidence:
        """The evidence for `stage`: its own entry where the evidence differs by stage, else this block."""
        return next((e for e in self.by_stage if stage in e.stages), self)


@dataclass(frozen=True)
class FactorRule:
    """A contraindication or caution: when `factor` is present (or cannot be ruled out), apply `level`."""

    factor: str
    level: RuleLevel
    reason: Text
    sources: tuple[str, ...]
    code: Msg = Msg.CONTRAINDICATED  # the reason code an exclusion carries (under_16, already_taking for group rules)
    clinician: TechnicalText | None = None  # for EHR cards: the caution in clinical terms
    basis: Basis = Basis.SOURCE
    # Worked out by the loader, never written: a source we read at its publisher states it.
    verified: bool = field(default=False, metadata={"computed": True})


@dataclass(frozen=True)
class Criteria:
    """When a specialist option comes into view; every stated criterion must be met (unknown never meets one)."""

    text: Text  # person-facing: when a specialist considers it
    sources: tuple[str, ...]
    min_pain: int | None = None
    min_days: int | None = None
    failed_care: bool = False  # another option tried without help (no change for 6+ weeks, or worse)
    never: bool = False


@dataclass(frozen=True)
class Exercise:
    id: str
    name: Text
    steps: tuple[Text, ...]
    dose: Text
    stop_if: Text
    illustration_alt: Text  # what its picture (knowledge/data/illustrations/<id>.svg) shows, in words
    illustration: Illustration | None = field(default=None, metadata={"computed": True})  # set by the loader


@dataclass(frozen=True)
class Illustration:
    """An exercise's picture: checked SVG markup, its size in CSS pixels (its viewBox) and its alt text."""

    id: str
    svg: str
    width: int
    height: int
    alt: Text
    name: Text  # the exercise's name: the picture's <title> in each language


@dataclass(frozen=True)
class Drug:
    name: str
    brands: tuple[str, ...]
    rxnorm: str
    rxnorm_verified: bool
    label: Text  # the name a person reads, in their language (`name`, the English ingredient name, is what codes match)


@dataclass(frozen=True)
class Treatment(Translated):
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
    criteria: Criteria | None = None  # specialist options (injection, surgery) only
    replaces: tuple[str, ...] = ()  # retired ids this option took over (a request naming one means all successors)

    @property
    def requires_clinician(self) -> bool:
        return self.prescription_required or self.referral_required


@dataclass(frozen=True)
class Tip(Translated):
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
    supports: tuple[str, ...] = ()  # treatment ids the tip advises doing: dropped when the answer excludes one
    safety_net: bool = False  # what to watch for while waiting: given even when every option is on hold (urgent)
    rule_claim: Claim = Claim.TREATMENT_SAFETY  # what its rules are about (drug_safety for medicine advice)


@dataclass(frozen=True)
class RedFlag(Translated):
    id: str
    questions: tuple[Text, ...]  # each asks one thing; yes to any of them reports this flag
    meaning: Text
    urgency: Urgency
    sources: tuple[str, ...]
    escalates_with: tuple[str, ...] = ()
    holds: tuple[Invasiveness, ...] = ()  # kinds of option held back until a clinician has assessed this sign


@dataclass(frozen=True)
class Factor(Translated):
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
    plausible_min_age: int | None = None  # reporting it at a younger or older age is refused as impossible
    plausible_max_age: int | None = None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    authors: str
    year: int
    publisher: str
    type: SourceType
    verified: bool  # read at its publisher; false: identifier or wording seen only second-hand or not at all
    states: tuple[Claim, ...]  # the kinds of rule this source can back (checked against its type)
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    note: TechnicalText | None = None


@dataclass(frozen=True)
class Disclaimer(Translated):
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
class Condition(Translated):
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
    note: TechnicalText


@dataclass(frozen=True)
class EvidenceScale(Translated):
    certainty: tuple[ScaleLevel, ...]
    direction: tuple[ScaleLevel, ...]
    strength: tuple[ScaleLevel, ...]
    scope: tuple[ScaleLevel, ...]
    mappings: tuple[ScaleMapping, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TriageAction(Translated):
    level: Urgency
    time_frame: Text  # how soon, as red-flag meanings of this level must say it
    action: Text


@dataclass(frozen=True)
class DrugClass(Translated):
    """Medicines that share effects: a bad reaction to one member, or already taking one, concerns the others."""

    id: str
    label: Text
    members: tuple[str, ...]  # treatment ids
    reaction: RuleLevel  # what a worse or side-effects answer for one member does to the other members
    reaction_reason: Text
    sources: tuple[str, ...]
    taking: str | None = None  # the medication factor of someone already taking one
    taking_level: RuleLevel | None = None
    taking_reason: Text | None = None
    reaction_clinician: TechnicalText | None = None
    taking_clinician: TechnicalText | None = None
    basis: Basis = Basis.SOURCE


@dataclass(frozen=True)
class GroupRule(Translated):
    """A factor rule for every treatment of the listed invasiveness tiers (added to each one's rules at load)."""

    id: str
    factor: str
    level: RuleLevel
    invasiveness: tuple[Invasiveness, ...]
    reason: Text
    sources: tuple[str, ...]
    code: Msg = Msg.CONTRAINDICATED
    clinician: TechnicalText | None = None
    basis: Basis = Basis.SOURCE


@dataclass(frozen=True)
class Combination(Translated):
    """Things a person already takes or has that are dangerous together: raise the level, say what to do."""

    id: str
    urgency: Urgency
    reason: Text
    next_step: Text
    sources: tuple[str, ...]
    clinician: TechnicalText | None = None
    basis: Basis = Basis.SOURCE
    all_of: tuple[str, ...] = ()  # factor ids (medicines, conditions, pregnancy) that must all be present
    any_of: tuple[str, ...] = ()  # ... and at least `at_least` of these
    at_least: int = 0

    def parts(self, present: Iterable[str]) -> tuple[str, ...] | None:
        """The factors that make it apply (all of all_of, the present ones of any_of), or None when it does not."""
        found = set(present)
        some = tuple(f for f in self.any_of if f in found)
        if all(f in found for f in self.all_of) and len(some) >= self.at_least:
            return (*self.all_of, *some)
        return None


@dataclass(frozen=True)
class Message(Translated):
    id: Msg
    text: Text


@dataclass(frozen=True)
class Phrase(Translated):
    """A piece of page wording (a heading, a label, a sentence frame); {name} placeholders are filled in."""

    id: str
    text: Text


class AnswerType(enum.Enum):
    """How a question is answered: the kind of value its request field takes."""

    BOOLEAN = "boolean"
    INTEGER = "integer"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    TRIED_LIST = "tried_list"


@dataclass(frozen=True)
class Question(Translated):
    id: str
    prompt: Text
    answer_type: AnswerType
    field: str
    options_from: str | None = None
    help: Text | None = None


@dataclass(frozen=True)
class ManifestEntry:
    """One item of a recorded release: hashes of its content and of its safety rules, and its grade."""

    id: str  # kind/id, as treatments/physiotherapy
    content: str  # hash of the whole item
    safety: str | None = None  # hash of its safety rules (contraindications, cautions, triage), where it has any
    grade: str | None = None  # certainty/direction/strength, where it is graded


@dataclass(frozen=True)
class Release:
    """A recorded content version (releases/<version>.yaml): when, a note, and the manifest of every item."""

    version: str
    date: date
    items: tuple[ManifestEntry, ...]
    note: str | None = None


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
    drug_classes: tuple[DrugClass, ...] = ()
    group_rules: tuple[GroupRule, ...] = ()
    combinations: tuple[Combination, ...] = ()
    phrases: tuple[Phrase, ...] = ()  # the handouts' own wording
    hazards: tuple[Hazard, ...] = ()
    risk_matrix: RiskMatrix | None = None
    releases: tuple[Release, ...] = ()  # oldest first; not content (not in content_hash, not in a manifest)
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    illustrations: Mapping[str, Illustration] = field(default_factory=dict)  # exercise id -> its picture
    # by id per kind of record; also "replaced" (retired treatment id -> its replacements) and "factor_kinds"
    # (FactorKind -> its factors)
    index: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tried:
    """A treatment the person already tried, for how long and how it went."""

    treatment_id: str
    outcome: Outcome
    weeks: int | None = None


@dataclass(frozen=True)
class Report:
    """What a person reports. None is "not answered" (never "no"): the engine takes the safer reading of it."""

    age: int | None = None
    symptom_duration_days: int | None = None
    pain_severity: int | None = None
    red_flags: tuple[str, ...] = ()
    red_flags_screened: bool = False
    pregnant: bool | None = None
    pregnancy_weeks: int | None = None
    breastfeeding: bool | None = None
    conditions: tuple[str, ...] | None = None
    medications: tuple[str, ...] | None = None
    tried: tuple[Tried, ...] = ()
    avoid: tuple[str, ...] = ()
    jurisdiction: str | None = None
