"""Per-treatment rules: contraindications, evidence, stage, specialist gate, preferences, prior tries; then ranking."""

from __future__ import annotations

from collections.abc import Iterable

from service.engine.models import (
    Category,
    Certainty,
    Direction,
    FactorRule,
    Invasiveness,
    Msg,
    Outcome,
    Report,
    RuleLevel,
    Stage,
    Treatment,
)
from service.engine.results import Caution, Excluded, Reason, Recommended, Trace
from service.engine.say import Say
from service.engine.triage import TriageOutcome

SUPPORTED = (Direction.FOR, Direction.CONDITIONAL)
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
DIRECTION_ORDER = {d: i for i, d in enumerate(Direction)}
CERTAINTY_ORDER = {c: i for i, c in enumerate(Certainty)}
INVASIVENESS_ORDER = {v: i for i, v in enumerate(Invasiveness)}
FILTER_RULES = (
    "contraindications",
    "evidence",
    "stage-fit",
    "specialist-gate",
    "red-flag-holds",
    "preferences",
    "prior-tries",
)
STAGE_FIELDS = ("symptom_duration_days",)
GATE_FIELDS = ("symptom_duration_days", "tried", "pain_severity")
TRIED = ("tried",)

Tries = dict[str, set[Outcome]]


def applicable(rules: Iterable[FactorRule], factors: dict[str, str]) -> list[FactorRule]:
    """The rules whose factor is active."""
    return [r for r in rules if r.factor in factors]


def cautions_for(rules: Iterable[FactorRule], factors: dict[str, str], lang: str) -> tuple[Caution, ...]:
    """Cautions and clinician-only notes that apply to this person."""
    active = applicable(rules, factors)
    return tuple(
        Caution(r.factor, r.level, r.reason.get_text(lang)) for r in active if r.level is not RuleLevel.EXCLUDE
    )


def supported(t: Treatment) -> bool:
    """Evidence for (or conditionally for) at better than very low certainty."""
    return t.evidence.direction in SUPPORTED and t.evidence.certainty is not Certainty.VERY_LOW


def exclusions(
    t: Treatment, report: Report, factors: dict[str, str], stage: Stage, tri: TriageOutcome, tries: Tries, say: Say
) -> list[Reason]:
    """Every reason this treatment is not for this person (empty when it may be recommended)."""
    out = [
        Reason("contraindications", Msg.CONTRAINDICATED.value, r.reason.get_text(say.lang), (r.factor,))
        for r in t.rules
        if r.factor in factors and r.level is RuleLevel.EXCLUDE
    ]
    ev = t.evidence
    if ev.direction is Direction.AGAINST:
        out.append(say.reason("evidence", Msg.EVIDENCE_AGAINST))
    elif ev.direction is Direction.NO_RECOMMENDATION and ev.certainty is Certainty.VERY_LOW:
        out.append(say.reason("evidence", Msg.INSUFFICIENT_EVIDENCE))
    if stage not in t.stages:
        out.append(say.reason("stage-fit", Msg.NOT_FOR_STAGE, STAGE_FIELDS))
    if t.invasiveness in SPECIALIST and tri.under_16:
        out.append(say.reason("specialist-gate", Msg.UNDER_16, ("age",)))
    elif t.invasiveness in SPECIALIST and not _in_view(t, tri):
        out.append(say.reason("specialist-gate", Msg.NEEDS_ASSESSMENT_FIRST, GATE_FIELDS))
    if t.category in tri.holds:
        out.append(say.reason("red-flag-holds", Msg.ASSESSMENT_FIRST, tri.holds[t.category]))
    avoided = tuple(p for p in t.avoid_if if p in report.avoid)
    if avoided:
        out.append(say.reason("preferences", Msg.PREFERENCE, avoided))
    outcomes = tries.get(t.id, ())
    if Outcome.WORSE in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_WORSE, TRIED))
    if Outcome.SIDE_EFFECTS in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_SIDE_EFFECTS, TRIED))
    return out


def _in_view(t: Treatment, tri: TriageOutcome) -> bool:
    """Specialist options are shown after persistence or worsening; an injection also for severe acute pain."""
    return tri.escalation or (tri.severe_acute and t.category is Category.INJECTION)


def recommend_reasons(t: Treatment, stage: Stage, clinician: bool, tries: Tries, say: Say) -> tuple[Reason, ...]:
    """Why a recommended option is listed, in reading order."""
    good = supported(t)
    reasons = [
        say.reason("evidence", Msg.EVIDENCE_SUPPORTS if good else Msg.EVIDENCE_UNCERTAIN),
        say.reason("stage-fit", Msg.FITS_STAGE, STAGE_FIELDS),
    ]
    if stage is Stage.ACUTE and t.invasiveness is Invasiveness.NONE and good:
        reasons.append(say.reason("first-line", Msg.FIRST_LINE, STAGE_FIELDS))
    if t.invasiveness in SPECIALIST:
        reasons.append(say.reason("specialist-gate", Msg.SPECIALIST_OPTION, GATE_FIELDS))
    outcomes = tries.get(t.id, ())
    if Outcome.HELPED in outcomes:
        reasons.append(say.reason("prior-tries", Msg.TRIED_HELPED, TRIED))
    if Outcome.NO_CHANGE in outcomes:
        reasons.append(say.reason("prior-tries", Msg.TRIED_NO_CHANGE, TRIED))
    if clinician:
        reasons.append(say.reason("clinician", Msg.CLINICIAN_DECISION))
    return tuple(reasons)


def rank_key(t: Treatment, tries: Tries) -> tuple[object, ...]:
    """What helped first, fair trials that failed last; then supported evidence, least invasive, strongest, surest."""
    outcomes = tries.get(t.id, ())
    return (
        Outcome.NO_CHANGE in outcomes,
        Outcome.HELPED not in outcomes,
        not supported(t),
        INVASIVENESS_ORDER[t.invasiveness],
        DIRECTION_ORDER[t.evidence.direction],
        CERTAINTY_ORDER[t.evidence.certainty],
        t.id,
    )


def assess(
    treatments: tuple[Treatment, ...],
    report: Report,
    factors: dict[str, str],
    stage: Stage,
    tri: TriageOutcome,
    say: Say,
    trace: Trace,
) -> tuple[tuple[Recommended, ...], tuple[Excluded, ...]]:
    """Split treatments into ranked recommendations and exclusions with reasons."""
    tries: Tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    kept, excluded = [], []
    hits: dict[str, list[str]] = {rule: [] for rule in FILTER_RULES}
    for t in treatments:
        reasons = exclusions(t, report, factors, stage, tri, tries, say)
        if reasons:
            excluded.append(Excluded(t, tuple(reasons)))
            for rule in dict.fromkeys(r.rule for r in reasons):
                hits[rule].append(t.id)
        else:
            kept.append(t)
    reads = _reads(report, factors, stage)
    for rule in FILTER_RULES:
        trace.add(rule, reads[rule], f"excluded: {', '.join(hits[rule]) or 'none'}")
    kept.sort(key=lambda t: rank_key(t, tries))
    ranked = []
    for rank, t in enumerate(kept, start=1):
        cautions = cautions_for(t.rules, factors, say.lang)
        clinician = t.requires_clinician or any(c.level is RuleLevel.CLINICIAN_ONLY for c in cautions)
        ranked.append(Recommended(t, rank, recommend_reasons(t, stage, clinician, tries, say), cautions, clinician))
    trace.add("rank", {"candidates": len(kept)}, "order: " + (", ".join(t.id for t in kept) or "none"))
    return tuple(ranked), tuple(excluded)


def _reads(report: Report, factors: dict[str, str], stage: Stage) -> dict[str, dict[str, object]]:
    return {
        "contraindications": {"factors": tuple(factors)},
        "evidence": {"evidence": "direction and certainty of each option"},
        "stage-fit": {"stage": stage.value},
        "specialist-gate": {
            "symptom_duration_days": report.symptom_duration_days,
            "pain_severity": report.pain_severity,
            "age": report.age,
        },
        "red-flag-holds": {"red_flags": report.red_flags},
        "preferences": {"avoid": report.avoid},
        "prior-tries": {"tried": tuple(f"{t.treatment_id}:{t.outcome.value}" for t in report.tried)},
    }
