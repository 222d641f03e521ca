"""What recommend() needs of one treatment or tip, worked out once per knowledge base and language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TypeVar

from service.engine.factors import Factors
from service.engine.models import (
    Category,
    Certainty,
    Criteria,
    Direction,
    DrugClass,
    Evidence,
    FactorRule,
    Invasiveness,
    Msg,
    RuleLevel,
    Stage,
    StageEvidence,
    Tip,
    Treatment,
)
from service.engine.results import Caution, Reason, Recommended, TipAdvice
from service.engine.say import Say

SUPPORTED = (Direction.FOR, Direction.CONDITIONAL)
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
STAGE_FIELDS = ("symptom_duration_days",)
GATE_FIELDS = ("symptom_duration_days", "tried", "pain_severity")
STAGES = tuple(Stage)
STAGE_INDEX = {stage: i for i, stage in enumerate(STAGES)}
ORDER = attrgetter("order")  # the rank of options nobody has tried (assess.rank_key)
T = TypeVar("T")


@dataclass(frozen=True)
class Rules:
    """A record's factor rules, as ready-made reasons (exclude) and cautions (caution, clinician_only)."""

    excludes: tuple[tuple[str, Reason], ...]
    notes: tuple[tuple[str, Caution], ...]
    reads: frozenset[str]  # every factor a rule names: when none is active, the rules have nothing to say

    @classmethod
    def of(cls, rules: tuple[FactorRule, ...], lang: str) -> Rules:
        excl = RuleLevel.EXCLUDE
        return cls(
            tuple(
                (r.factor, Reason("contraindications", r.code.value, r.reason.get_text(lang), (r.factor,)))
                for r in rules
                if r.level is excl
            ),
            tuple(
                (r.factor, Caution(r.factor, r.level, r.reason.get_text(lang))) for r in rules if r.level is not excl
            ),
            frozenset(r.factor for r in rules),
        )

    def touched_by(self, factors: Factors) -> bool:
        return not (self.reads.isdisjoint(factors.known) and self.reads.isdisjoint(factors.possible))

    def excluded_by(self, factors: Factors, say: Say) -> list[Reason]:
        """A reported factor's exclusions as they are; a possible one's say which question left it open."""
        return _applying(self.excludes, factors, say.unknown)

    def cautions(self, factors: Factors, say: Say) -> tuple[Caution, ...]:
        return tuple(_applying(self.notes, factors, say.unknown_caution))


def _applying(entries: tuple[tuple[str, T], ...], factors: Factors, unknown: Callable[[T, str], T]) -> list[T]:
    """The entries whose factor is reported, and those whose factor is possible, as `unknown` words them."""
    out = []
    for factor, item in entries:
        if factor in factors.known:
            out.append(item)
        elif factor in factors.possible:
            out.append(unknown(item, factors.possible[factor]))
    return out


@dataclass(frozen=True)
class TreatmentPlan:
    treatment: Treatment
    rules: Rules
    evidence_reasons: tuple[Reason | None, ...]  # by STAGE_INDEX: graded against, or none on very low certainty
    fits: tuple[bool, ...]  # by STAGE_INDEX
    criteria: Criteria | None  # a specialist option's own criteria
    gate_reason: Reason | None  # why a specialist option is not in view when its criteria are not met
    category: Category
    invasiveness: Invasiveness
    classes: tuple[DrugClass, ...]  # the drug classes it belongs to
    supported: bool  # for/conditional at better than very low certainty (at every stage)
    order: tuple[object, ...]  # rank key after prior tries: weak last, least invasive, direction, certainty, id
    listed_because: tuple[tuple[Reason, ...], ...]  # the reasons a recommendation always carries, by STAGE_INDEX
    plain_because: tuple[tuple[Reason, ...], ...]  # all its reasons when no caution applies and it was not tried


def plain_recommendation(p: TreatmentPlan, rank: int, stage: int) -> Recommended:
    """The recommendation of an option nothing in the report concerns and nobody tried: its prepared reasons."""
    return Recommended(p.treatment, rank, p.plain_because[stage], (), p.treatment.requires_clinician)


def rank_decision(kept: list[TreatmentPlan] | tuple[TreatmentPlan, ...]) -> str:
    """The rank step's trace decision: the options in rank order."""
    return "order: " + (", ".join(p.treatment.id for p in kept) or "none")


@dataclass(frozen=True)
class TipPlan:
    tip: Tip
    rules: Rules
    stages: frozenset[Stage]
    supports: frozenset[str]
    plain: TipAdvice  # the advice when none of its rules' factors is active


def _supported(ev: Evidence | StageEvidence) -> bool:
    return ev.direction in SUPPORTED and ev.certainty is not Certainty.VERY_LOW


def _evidence_reason(ev: Evidence | StageEvidence, say: Say) -> Reason | None:
    """Why the evidence alone keeps an option out at a stage: graded against, or no recommendation on very low
    certainty; in the option's own words (stance) where the generic wording would mislead."""
    if ev.direction is Direction.AGAINST:
        code = Msg.EVIDENCE_AGAINST
    elif ev.direction is Direction.NO_RECOMMENDATION and ev.certainty is Certainty.VERY_LOW:
        code = Msg.INSUFFICIENT_EVIDENCE
    else:
        return None
    if ev.stance is not None:
        return Reason("evidence", code.value, ev.stance.get_text(say.lang))
    return say.reason("evidence", code)


def treatment_plan(t: Treatment, say: Say, classes: tuple[DrugClass, ...]) -> TreatmentPlan:
    ev = t.evidence
    by_stage = tuple(ev.at(stage) for stage in STAGES)
    evidence_reasons = tuple(_evidence_reason(e, say) for e in by_stage)
    supported = all(_supported(e) for e in by_stage)
    specialist = t.invasiveness in SPECIALIST
    listed_because = []
    for stage, at_stage in zip(STAGES, by_stage, strict=True):
        reasons = [
            say.reason("evidence", Msg.EVIDENCE_SUPPORTS if _supported(at_stage) else Msg.EVIDENCE_UNCERTAIN),
            say.reason("stage-fit", Msg.FITS_STAGE, STAGE_FIELDS),
        ]
        if stage is Stage.ACUTE and t.invasiveness is Invasiveness.NONE and _supported(at_stage):
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
    clinician = (say.reason("clinician", Msg.CLINICIAN_DECISION),) if t.requires_clinician else ()
    gate = None
    if t.criteria is not None:
        gate = Reason(
            "specialist-gate", Msg.NEEDS_ASSESSMENT_FIRST.value, t.criteria.text.get_text(say.lang), GATE_FIELDS
        )
    return TreatmentPlan(
        t, Rules.of(t.rules, say.lang), evidence_reasons, tuple(stage in t.stages for stage in STAGES), t.criteria,
        gate, t.category, t.invasiveness, tuple(c for c in classes if t.id in c.members), supported, order,
        tuple(listed_because), tuple(because + clinician for because in listed_because),
    )  # fmt: skip


def tip_plan(tip: Tip, lang: str) -> TipPlan:
    return TipPlan(tip, Rules.of(tip.rules, lang), frozenset(tip.stages), frozenset(tip.supports), TipAdvice(tip, ()))
