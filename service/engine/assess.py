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
from service.engine.triage import TriageOutcome

SUPPORTED = (Direction.FOR, Direction.CONDITIONAL)
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
DIRECTION_ORDER = list(Direction)
CERTAINTY_ORDER = list(Certainty)
INVASIVENESS_ORDER = list(Invasiveness)


def applicable(rules: Iterable[FactorRule], factors: dict[str, str]) -> list[FactorRule]:
    """The rules whose factor is active."""
    return [r for r in rules if r.factor in factors]


def cautions_for(rules: Iterable[FactorRule], factors: dict[str, str], lang: str) -> tuple[Caution, ...]:
    """Cautions and clinician-only notes that apply to this person."""
    return tuple(
        Caution(r.factor, r.level, r.reason.get_text(lang))
        for r in applicable(rules, factors)
        if r.level is not RuleLevel.EXCLUDE
    )


def exclusions(
    t: Treatment, report: Report, factors: dict[str, str], stage: Stage, tri: TriageOutcome, say
) -> list[Reason]:
    """Every reason this treatment is not for this person (empty when it may be recommended)."""
    out = [
        Reason("contraindications", Msg.CONTRAINDICATED.value, r.reason.get_text(say.lang), (r.factor,))
        for r in applicable(t.rules, factors)
        if r.level is RuleLevel.EXCLUDE
    ]
    ev = t.evidence
    if ev.direction is Direction.AGAINST:
        out.append(Reason("evidence", Msg.EVIDENCE_AGAINST.value, say(Msg.EVIDENCE_AGAINST)))
    elif ev.direction is Direction.NO_RECOMMENDATION and ev.certainty is Certainty.VERY_LOW:
        out.append(Reason("evidence", Msg.INSUFFICIENT_EVIDENCE.value, say(Msg.INSUFFICIENT_EVIDENCE)))
    if stage not in t.stages:
        out.append(Reason("stage-fit", Msg.NOT_FOR_STAGE.value, say(Msg.NOT_FOR_STAGE), ("symptom_duration_days",)))
    if t.invasiveness in SPECIALIST and not _in_view(t, tri):
        out.append(
            Reason(
                "specialist-gate",
                Msg.NEEDS_ASSESSMENT_FIRST.value,
                say(Msg.NEEDS_ASSESSMENT_FIRST),
                ("symptom_duration_days", "tried", "pain_severity"),
            )
        )
    avoided = tuple(p for p in t.avoid_if if p in report.avoid)
    if avoided:
        out.append(Reason("preferences", Msg.PREFERENCE.value, say(Msg.PREFERENCE), avoided))
    for outcome, code in ((Outcome.WORSE, Msg.TRIED_WORSE), (Outcome.SIDE_EFFECTS, Msg.TRIED_SIDE_EFFECTS)):
        if _tried(report, t.id, outcome):
            out.append(Reason("prior-tries", code.value, say(code), ("tried",)))
    return out


def _in_view(t: Treatment, tri: TriageOutcome) -> bool:
    """Specialist options are shown after persistence or worsening; an injection also for severe acute pain."""
    return tri.escalation or (tri.severe_acute and t.category is Category.INJECTION)


def _tried(report: Report, treatment_id: str, outcome: Outcome) -> bool:
    return any(t.treatment_id == treatment_id and t.outcome is outcome for t in report.tried)


def recommend_reasons(
    t: Treatment, report: Report, stage: Stage, tri: TriageOutcome, clinician: bool, say
) -> tuple[Reason, ...]:
    """Why a recommended option is listed, in reading order."""
    ev = t.evidence
    supported = ev.direction in SUPPORTED and ev.certainty is not Certainty.VERY_LOW
    code = Msg.EVIDENCE_SUPPORTS if supported else Msg.EVIDENCE_UNCERTAIN
    reasons = [
        Reason("evidence", code.value, say(code)),
        Reason("stage-fit", Msg.FITS_STAGE.value, say(Msg.FITS_STAGE), ("symptom_duration_days",)),
    ]
    if stage is Stage.ACUTE and t.invasiveness is Invasiveness.NONE and supported:
        reasons.append(Reason("first-line", Msg.FIRST_LINE.value, say(Msg.FIRST_LINE), ("symptom_duration_days",)))
    if t.invasiveness in SPECIALIST:
        reasons.append(
            Reason(
                "specialist-gate",
                Msg.SPECIALIST_OPTION.value,
                say(Msg.SPECIALIST_OPTION),
                ("symptom_duration_days", "tried", "pain_severity"),
            )
        )
    for outcome, msg in ((Outcome.HELPED, Msg.TRIED_HELPED), (Outcome.NO_CHANGE, Msg.TRIED_NO_CHANGE)):
        if _tried(report, t.id, outcome):
            reasons.append(Reason("prior-tries", msg.value, say(msg), ("tried",)))
    if clinician:
        reasons.append(Reason("clinician", Msg.CLINICIAN_DECISION.value, say(Msg.CLINICIAN_DECISION)))
    return tuple(reasons)


def rank_key(t: Treatment, report: Report):  # type: ignore[no-untyped-def]
    """Sort key: what helped first, fair trials that failed last; then supported evidence, least invasive, strongest, surest."""
    ev = t.evidence
    weak = ev.direction not in SUPPORTED or ev.certainty is Certainty.VERY_LOW
    return (
        _tried(report, t.id, Outcome.NO_CHANGE),
        not _tried(report, t.id, Outcome.HELPED),
        weak,
        INVASIVENESS_ORDER.index(t.invasiveness),
        DIRECTION_ORDER.index(ev.direction),
        CERTAINTY_ORDER.index(ev.certainty),
        t.id,
    )


def assess(treatments, report: Report, factors: dict[str, str], stage: Stage, tri: TriageOutcome, say, trace: Trace):  # type: ignore[no-untyped-def]
    """Split treatments into ranked recommendations and exclusions with reasons."""
    kept, excluded = [], []
    for t in treatments:
        reasons = exclusions(t, report, factors, stage, tri, say)
        if reasons:
            excluded.append(Excluded(t, tuple(reasons)))
        else:
            kept.append(t)
    for rule in ("contraindications", "evidence", "stage-fit", "specialist-gate", "preferences", "prior-tries"):
        hit = [e.treatment.id for e in excluded if any(r.rule == rule for r in e.reasons)]
        trace.add(rule, _reads(rule, report, factors, stage), f"excluded: {', '.join(hit) or 'none'}")
    kept.sort(key=lambda t: rank_key(t, report))
    ranked = []
    for rank, t in enumerate(kept, start=1):
        cautions = cautions_for(t.rules, factors, say.lang)
        clinician = t.requires_clinician or any(c.level is RuleLevel.CLINICIAN_ONLY for c in cautions)
        ranked.append(
            Recommended(t, rank, recommend_reasons(t, report, stage, tri, clinician, say), cautions, clinician)
        )
    trace.add("rank", {"candidates": len(kept)}, "order: " + (", ".join(t.id for t in kept) or "none"))
    return tuple(ranked), tuple(excluded)


def _reads(rule: str, report: Report, factors: dict[str, str], stage: Stage) -> dict[str, object]:
    return {
        "contraindications": {"factors": tuple(factors)},
        "evidence": {"evidence": "direction and certainty of each option"},
        "stage-fit": {"stage": stage.value},
        "specialist-gate": {
            "symptom_duration_days": report.symptom_duration_days,
            "pain_severity": report.pain_severity,
        },
        "preferences": {"avoid": report.avoid},
        "prior-tries": {"tried": tuple(f"{t.treatment_id}:{t.outcome.value}" for t in report.tried)},
    }[rule]
