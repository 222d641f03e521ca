"""What recommend() needs of each treatment and tip, worked out once per knowledge base and language."""

from __future__ import annotations

from dataclasses import dataclass

from service.engine.models import (
    Category,
    Certainty,
    Direction,
    FactorRule,
    Invasiveness,
    KnowledgeBase,
    Msg,
    RuleLevel,
    Stage,
    Tip,
    Treatment,
)
from service.engine.results import Caution, Reason
from service.engine.say import Say

SUPPORTED = (Direction.FOR, Direction.CONDITIONAL)
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
STAGE_FIELDS = ("symptom_duration_days",)
GATE_FIELDS = ("symptom_duration_days", "tried", "pain_severity")


@dataclass(frozen=True)
class Rules:
    """A record's factor rules, as ready-made reasons (exclude) and cautions (caution, clinician_only)."""

    excludes: tuple[tuple[str, Reason], ...]
    notes: tuple[tuple[str, Caution], ...]

    @classmethod
    def of(cls, rules: tuple[FactorRule, ...], lang: str) -> Rules:
        excl = RuleLevel.EXCLUDE
        return cls(
            tuple(
                (r.factor, Reason("contraindications", Msg.CONTRAINDICATED.value, r.reason.get_text(lang), (r.factor,)))
                for r in rules
                if r.level is excl
            ),
            tuple(
                (r.factor, Caution(r.factor, r.level, r.reason.get_text(lang))) for r in rules if r.level is not excl
            ),
        )

    def excluded_by(self, factors: dict[str, str]) -> list[Reason]:
        return [reason for factor, reason in self.excludes if factor in factors]

    def cautions(self, factors: dict[str, str]) -> tuple[Caution, ...]:
        return tuple(caution for factor, caution in self.notes if factor in factors)


STAGES = tuple(Stage)
STAGE_INDEX = {stage: i for i, stage in enumerate(STAGES)}


@dataclass(frozen=True)
class TreatmentPlan:
    treatment: Treatment
    rules: Rules
    evidence_reason: Reason | None  # graded against, or no recommendation on very low certainty
    fits: tuple[bool, ...]  # by STAGE_INDEX
    specialist: bool
    injection: bool
    category: Category
    supported: bool  # for/conditional at better than very low certainty
    order: tuple[object, ...]  # rank key after prior tries: weak last, least invasive, direction, certainty, id
    listed_because: tuple[tuple[Reason, ...], ...]  # the reasons a recommendation always carries, by STAGE_INDEX


@dataclass(frozen=True)
class TipPlan:
    tip: Tip
    rules: Rules
    stages: frozenset[Stage]


def _treatment_plan(t: Treatment, say: Say) -> TreatmentPlan:
    ev = t.evidence
    supported = ev.direction in SUPPORTED and ev.certainty is not Certainty.VERY_LOW
    evidence_reason = None
    if ev.direction is Direction.AGAINST:
        evidence_reason = say.reason("evidence", Msg.EVIDENCE_AGAINST)
    elif ev.direction is Direction.NO_RECOMMENDATION and ev.certainty is Certainty.VERY_LOW:
        evidence_reason = say.reason("evidence", Msg.INSUFFICIENT_EVIDENCE)
    specialist = t.invasiveness in SPECIALIST
    listed_because = []
    for stage in STAGES:
        reasons = [
            say.reason("evidence", Msg.EVIDENCE_SUPPORTS if supported else Msg.EVIDENCE_UNCERTAIN),
            say.reason("stage-fit", Msg.FITS_STAGE, STAGE_FIELDS),
        ]
        if stage is Stage.ACUTE and t.invasiveness is Invasiveness.NONE and supported:
            reasons.append(say.reason("first-line", Msg.FIRST_LINE, STAGE_FIELDS))
        if specialist:
            reasons.append(say.reason("specialist-gate", Msg.SPECIALIST_OPTION, GATE_FIELDS))
        listed_because.append(tuple(reasons))
    order = (
        not supported,
        list(Invasiveness).index(t.invasiveness),
        list(Direction).index(ev.direction),
        list(Certainty).index(ev.certainty),
        t.id,
    )
    return TreatmentPlan(
        t, Rules.of(t.rules, say.lang), evidence_reason, tuple(stage in t.stages for stage in STAGES), specialist,
        t.category is Category.INJECTION, t.category, supported, order, tuple(listed_because),
    )  # fmt: skip


@dataclass(frozen=True)
class Prepared:
    say: Say
    treatments: tuple[TreatmentPlan, ...]
    tips: tuple[TipPlan, ...]
    not_for_stage: Reason
    needs_assessment: Reason
    under_16: Reason

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Prepared:
        say = Say(kb, lang)
        return cls(
            say,
            tuple(_treatment_plan(t, say) for t in kb.treatments),
            tuple(TipPlan(tip, Rules.of(tip.rules, lang), frozenset(tip.stages)) for tip in kb.tips),
            say.reason("stage-fit", Msg.NOT_FOR_STAGE, STAGE_FIELDS),
            say.reason("specialist-gate", Msg.NEEDS_ASSESSMENT_FIRST, GATE_FIELDS),
            say.reason("specialist-gate", Msg.UNDER_16, ("age",)),
        )


_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, Prepared]] = {}


def prepared(kb: KnowledgeBase, lang: str) -> Prepared:
    """The plans for this knowledge base and language, built once (the knowledge base is immutable)."""
    entry = _CACHE.get((id(kb), lang))
    if entry is None or entry[0] is not kb:
        entry = _CACHE[id(kb), lang] = (kb, Prepared.build(kb, lang))
    return entry[1]
