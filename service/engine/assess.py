"""Per-treatment rules: contraindications, evidence, stage, specialist gate, red-flag holds, preferences, prior
tries; then ranking. Runs over the plans prepared once per knowledge base (service/engine/prepared.py)."""

from __future__ import annotations

from service.engine.models import Msg, Outcome, Report, RuleLevel, Stage
from service.engine.prepared import STAGE_INDEX, Prepared, TreatmentPlan
from service.engine.results import Excluded, Reason, Recommended, Trace
from service.engine.triage import TriageOutcome

FILTER_RULES = (
    "contraindications", "evidence", "stage-fit", "specialist-gate", "red-flag-holds", "preferences", "prior-tries",
)  # fmt: skip
TRIED = ("tried",)

Tries = dict[str, set[Outcome]]


def exclusions(
    p: TreatmentPlan,
    report: Report,
    factors: dict[str, str],
    stage: int,
    tri: TriageOutcome,
    tries: Tries,
    ready: Prepared,
) -> list[Reason]:
    """Every reason this treatment is not for this person (empty when it may be recommended); `stage` by index."""
    say = ready.say
    out = p.rules.excluded_by(factors)
    if p.evidence_reason:
        out.append(p.evidence_reason)
    if not p.fits[stage]:
        out.append(ready.not_for_stage)
    if p.specialist and tri.under_16:
        out.append(ready.under_16)
    elif p.specialist and not (tri.escalation or (tri.severe_acute and p.injection)):
        # Specialist options come into view after persistence or worsening; an injection also for severe acute pain.
        out.append(ready.needs_assessment)
    if tri.holds and p.category in tri.holds:
        out.append(say.reason("red-flag-holds", Msg.ASSESSMENT_FIRST, tri.holds[p.category]))
    if report.avoid:
        avoided = tuple(pref for pref in p.treatment.avoid_if if pref in report.avoid)
        if avoided:
            out.append(say.reason("preferences", Msg.PREFERENCE, avoided))
    outcomes = tries.get(p.treatment.id, ())
    if Outcome.WORSE in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_WORSE, TRIED))
    if Outcome.SIDE_EFFECTS in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_SIDE_EFFECTS, TRIED))
    return out


def _recommended(
    p: TreatmentPlan, rank: int, stage: int, factors: dict[str, str], tries: Tries, ready: Prepared
) -> Recommended:
    cautions = p.rules.cautions(factors)
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
    report: Report, factors: dict[str, str], stage: Stage, tri: TriageOutcome, ready: Prepared, trace: Trace
) -> tuple[tuple[Recommended, ...], tuple[Excluded, ...]]:
    """Split treatments into ranked recommendations and exclusions with reasons."""
    index = STAGE_INDEX[stage]
    tries: Tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    kept, excluded = [], []
    hits: dict[str, list[str]] = {rule: [] for rule in FILTER_RULES}
    for p in ready.treatments:
        reasons = exclusions(p, report, factors, index, tri, tries, ready)
        if reasons:
            excluded.append(Excluded(p.treatment, tuple(reasons)))
            for rule in {r.rule for r in reasons}:
                hits[rule].append(p.treatment.id)
        else:
            kept.append(p)
    reads = _reads(report, factors, stage)
    for rule in FILTER_RULES:
        trace.add(rule, reads[rule], f"excluded: {', '.join(hits[rule]) or 'none'}")
    kept.sort(key=lambda p: rank_key(p, tries))
    ranked = tuple(_recommended(p, rank, index, factors, tries, ready) for rank, p in enumerate(kept, start=1))
    trace.add("rank", {"candidates": len(kept)}, "order: " + (", ".join(p.treatment.id for p in kept) or "none"))
    return ranked, tuple(excluded)


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
