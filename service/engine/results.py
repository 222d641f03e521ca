"""What the engine answers: triage, ranked and excluded options, tips, disclaimers and the rule trace."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from service.engine.models import Disclaimer, RedFlag, RuleLevel, Stage, Tip, Treatment, Urgency


@dataclass(frozen=True)
class Reason:
    """One human-readable reason, tied to the rule that produced it and the factors it read."""

    rule: str
    code: str
    text: str
    factors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Caution:
    factor: str
    level: RuleLevel
    text: str


@dataclass(frozen=True)
class Recommended:
    treatment: Treatment
    rank: int
    reasons: tuple[Reason, ...]
    cautions: tuple[Caution, ...]
    clinician_needed: bool


class ExclusionKind(enum.Enum):
    """Why an option is left out, most serious first: an excluded option takes the first kind its rules imply."""

    CONTRAINDICATED = "contraindicated"  # unsafe for this person (a condition, medicine, age or a class reaction)
    HELD_FOR_URGENT_CARE = "held_for_urgent_care"  # every option waits for the same-day assessment
    HELD_FOR_ASSESSMENT = "held_for_assessment"  # a warning sign must be assessed by a clinician first
    HELD_UNTIL_SCREENED = "held_until_screened"  # the red-flag questions were not all asked
    DID_NOT_WORK = "did_not_work"  # tried before: it made things worse or had side effects
    EVIDENCE_AGAINST = "evidence_against"  # weak or negative evidence
    NOT_NOW = "not_now"  # not for this stage of sciatica
    SPECIALIST_ONLY = "specialist_only"  # a specialist option whose own criteria are not met
    PREFERENCE = "preference"  # the person asked to avoid it


# The kind each rule that can exclude an option implies (service/engine/exclude.py FILTER_RULES, and urgent-hold).
KIND_OF_RULE = {
    "contraindications": ExclusionKind.CONTRAINDICATED,
    "drug-classes": ExclusionKind.CONTRAINDICATED,
    "urgent-hold": ExclusionKind.HELD_FOR_URGENT_CARE,
    "red-flag-holds": ExclusionKind.HELD_FOR_ASSESSMENT,
    "screening-hold": ExclusionKind.HELD_UNTIL_SCREENED,
    "prior-tries": ExclusionKind.DID_NOT_WORK,
    "evidence": ExclusionKind.EVIDENCE_AGAINST,
    "stage-fit": ExclusionKind.NOT_NOW,
    "specialist-gate": ExclusionKind.SPECIALIST_ONLY,
    "preferences": ExclusionKind.PREFERENCE,
}
SEVERITY = {kind: rank for rank, kind in enumerate(ExclusionKind)}


@dataclass(frozen=True)
class Excluded:
    """An option left out, with every reason, and its kind: the most serious kind the reasons' rules imply."""

    treatment: Treatment
    reasons: tuple[Reason, ...]
    kind: ExclusionKind = field(init=False)

    def __post_init__(self) -> None:
        kinds = (KIND_OF_RULE[r.rule] for r in self.reasons)
        object.__setattr__(self, "kind", min(kinds, key=SEVERITY.__getitem__))


@dataclass(frozen=True)
class TipAdvice:
    tip: Tip
    cautions: tuple[Caution, ...]


@dataclass(frozen=True)
class Triage:
    level: Urgency
    reasons: tuple[Reason, ...]
    action: str


@dataclass
class TraceStep:
    """One rule as evaluated: the inputs it read (name -> value as shown) and what it decided. Its fields, in order,
    are the documented trace step's: the presenter hands it to orjson as it is. Not frozen, unlike the shared parts of
    an answer: each answer makes its own ~20 steps, and a frozen dataclass costs 3x as much to make."""

    rule: str
    read: dict[str, str]
    decision: str


@dataclass(frozen=True)
class Result:
    triage: Triage
    stage: Stage
    stage_assumed: bool
    red_flags_screened: bool
    recommendations: tuple[Recommended, ...]
    excluded: tuple[Excluded, ...]
    tips: tuple[TipAdvice, ...]
    disclaimers: tuple[Disclaimer, ...]
    red_flag_checklist: tuple[RedFlag, ...]
    trace: tuple[TraceStep, ...]
    unanswered: tuple[str, ...] = ()  # request fields not answered, read the safer way


@dataclass
class Trace:
    """Collects trace steps in evaluation order."""

    steps: list[TraceStep] = field(default_factory=list)

    def add(self, rule: str, read: dict[str, object], decision: str) -> None:
        shown = {name: value if type(value) is str else _show(value) for name, value in read.items()}
        self.steps.append(TraceStep(rule, shown, decision))


def _show(value: object) -> str:
    if type(value) is tuple:  # already in a deterministic order
        return (", ".join(value) if type(value[0]) is str else ", ".join(map(str, value))) if value else "none"
    if value is None:
        return "not reported"
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) or "none"
    return str(value)
