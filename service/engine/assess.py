"""Per-treatment rules (service/engine/exclude.py), then ranking and the reasons for each recommendation. Runs over
the plans prepared once per knowledge base (service/engine/prepared.py)."""

from __future__ import annotations

from service.engine.exclude import FILTER_RULES, TRIED, Split, Tries, class_cautions, situation, split
from service.engine.factors import Factors
from service.engine.models import Msg, Outcome, Report, RuleLevel, Stage
from service.engine.plans import ORDER, STAGE_INDEX, TreatmentPlan, plain_recommendation, rank_decision
from service.engine.prepared import Prepared
from service.engine.results import Recommended, Trace
from service.engine.triage import TriageOutcome


def _recommended(
    p: TreatmentPlan, rank: int, stage: int, factors: Factors, tries: Tries, ready: Prepared
) -> Recommended:
    cautions = p.rules.cautions(factors, ready.say) + class_cautions(p, tries, ready.say.lang)
    clinician = p.treatment.requires_clinician or any(c.level is RuleLevel.CLINICIAN_ONLY for c in cautions)
    reasons = list(p.listed_because[stage])
    outcomes = tries.get(p.treatment.id, ())
    if Outcome.HELPED in outcomes:
        reasons.append(ready.say.reason("prior-tries", Msg.TRIED_HELPED, TRIED))
    if Outcome.NO_CHANGE in outcomes:
        reasons.append(ready.say.reason("prior-tries", Msg.TRIED_NO_CHANGE, TRIED))
    if clinician:
        reasons.append(ready.say.reason("clinician", Msg.CLINICIAN_DECISION))
    return Recommended(p.treatment, rank, tuple(reasons), cautions, clinician)


def rank_key(p: TreatmentPlan, tries: Tries) -> tuple[object, ...]:
    """What helped first, fair trials that failed last; then supported evidence, least invasive, strongest, surest."""
    outcomes = tries.get(p.treatment.id, ())
    return (Outcome.NO_CHANGE in outcomes, Outcome.HELPED not in outcomes, *p.order)


def assess(
    report: Report,
    factors: Factors,
    stages: tuple[Stage, ...],
    tri: TriageOutcome,
    ready: Prepared,
    trace: Trace,
) -> tuple[tuple[Recommended, ...], Split]:
    """Split treatments into ranked recommendations and exclusions with reasons."""
    index = STAGE_INDEX[stages[0]]
    tries: Tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    case = situation(report, stages, ready)
    shared = ready.baseline(case)
    done = split(report, factors, tri, tries, ready, shared)
    reads = _reads(report, factors, stages)
    for rule, decision in zip(FILTER_RULES, done.decisions, strict=True):
        trace.add(rule, reads[rule], decision)
    if done is shared and not tries:  # the situation's own ranking, but for the options the report concerns
        ranking = ready.ranking(case)
        concerned = ready.reading(factors.active())
        ranked = ranking.recommended
        if concerned:
            ranked = tuple(
                _recommended(p, r.rank, index, factors, tries, ready) if r.treatment.id in concerned else r
                for p, r in zip(ranking.plans, ranked, strict=True)
            )
        trace.add("rank", {"candidates": len(ranked)}, ranking.decision)
        return ranked, done
    # Without prior tries every rank key starts (False, True), so the prepared order alone decides.
    kept = sorted(done.kept, key=(lambda p: rank_key(p, tries)) if tries else ORDER)
    ranked = tuple(
        _recommended(p, rank, index, factors, tries, ready)
        if _personal(p, factors, tries)
        else plain_recommendation(p, rank, index)
        for rank, p in enumerate(kept, start=1)
    )
    trace.add("rank", {"candidates": len(kept)}, rank_decision(kept))
    return ranked, done


def _personal(p: TreatmentPlan, factors: Factors, tries: Tries) -> bool:
    """Whether anything in the report concerns this option (else its prepared reasons are the whole answer)."""
    if p.rules.touched_by(factors):
        return True
    return bool(tries) and (p.treatment.id in tries or any(m in tries for c in p.classes for m in c.members))


def _reads(report: Report, factors: Factors, stages: tuple[Stage, ...]) -> dict[str, dict[str, object]]:
    tried: dict[str, object] = {"tried": tuple(f"{t.treatment_id}:{t.outcome.value}" for t in report.tried)}
    return {
        "contraindications": {"reported": tuple(factors.known), "not ruled out": tuple(factors.possible)},
        "evidence": {"evidence": "direction and certainty of each option"},
        "stage-fit": {"stages": tuple(s.value for s in stages)},
        "specialist-gate": {
            "symptom_duration_days": report.symptom_duration_days,
            "pain_severity": report.pain_severity,
            "tried": tuple(f"{t.treatment_id}:{t.outcome.value}:{t.weeks}w" for t in report.tried),
        },
        "red-flag-holds": {"red_flags": report.red_flags},
        "screening-hold": {"red_flags_screened": report.red_flags_screened},
        "preferences": {"avoid": report.avoid},
        "prior-tries": tried,
        "drug-classes": tried,
    }
