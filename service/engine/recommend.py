"""recommend(): triage a report and turn the knowledge base into a personal, explained answer."""

from __future__ import annotations

from service.engine.assess import assess
from service.engine.factors import derive_factors, stage_of
from service.engine.models import (
    DEFAULT_LANGUAGE,
    DisclaimerTrigger,
    KnowledgeBase,
    Msg,
    Report,
    Stage,
    Urgency,
)
from service.engine.plans import SPECIALIST, STAGE_INDEX
from service.engine.prepared import Prepared, prepared
from service.engine.results import Excluded, Recommended, Result, TipAdvice, Trace, Triage
from service.engine.triage import GUIDELINE_MIN_AGE, triage

ASSUMED_STAGE = Stage.ACUTE  # unknown duration: start where guidelines start, with self-care


def recommend(report: Report, kb: KnowledgeBase, lang: str = DEFAULT_LANGUAGE) -> Result:
    """The whole answer for `report`; the report's ids must have passed check_report."""
    ready, trace = prepared(kb, lang), Trace()
    say = ready.say
    factors = derive_factors(report, kb)
    trace.add("derive-factors", {"reported": _reported(report)}, f"active factors: {', '.join(factors) or 'none'}")
    days, source = _duration(report)
    stage = stage_of(days, kb)
    decided = f"stage {(stage or ASSUMED_STAGE).value}" + ("" if stage else " (assumed)") + source
    trace.add("stage", {"symptom_duration_days": report.symptom_duration_days, "tried": _weeks(report)}, decided)
    tri = triage(report, factors, stage, kb, say, trace)
    effective = stage or ASSUMED_STAGE

    recommendations: tuple[Recommended, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    tips: tuple[TipAdvice, ...] = ()
    if tri.level is Urgency.EMERGENCY:
        trace.add("emergency-short-circuit", {"level": tri.level.value}, "no treatments or tips: seek emergency care")
    elif tri.level is Urgency.URGENT:
        hold = say.reason("urgent-hold", Msg.URGENT_ASSESSMENT_FIRST, tuple(sorted(tri.flags)))
        excluded = tuple(Excluded(t, (hold,)) for t in kb.treatments)
        trace.add("urgent-hold", {"level": tri.level.value}, "all treatments held until same-day assessment")
    else:
        recommendations, excluded = assess(report, factors, effective, tri, ready, trace)
        tips = _tips(ready, factors, effective)
        trace.add(
            "tips",
            {"stage": effective.value, "factors": tuple(factors)},
            "tips: " + (", ".join(a.tip.id for a in tips) or "none"),
        )

    action = ready.actions[tri.level]
    triggers = _triggers(report, tri.level, recommendations, excluded, factors, ready)
    disclaimers = tuple(d for d in kb.disclaimers if d.trigger in triggers)
    trace.add(
        "disclaimers",
        {"situations": tuple(t.value for t in triggers)},
        "disclaimers: " + ", ".join(d.id for d in disclaimers),
    )
    return Result(
        triage=Triage(tri.level, tri.reasons, action),
        stage=effective,
        stage_assumed=report.symptom_duration_days is None,
        red_flags_screened=report.red_flags_screened,
        recommendations=recommendations,
        excluded=excluded,
        tips=tips,
        disclaimers=disclaimers,
        red_flag_checklist=() if report.red_flags_screened else kb.red_flags,
        trace=tuple(trace.steps),
    )


def _tips(ready: Prepared, factors: dict[str, str], stage: Stage) -> tuple[TipAdvice, ...]:
    tips = []
    for plan in ready.tips_by_stage[STAGE_INDEX[stage]]:
        if plan.rules.reads.isdisjoint(factors):
            tips.append(plan.plain)
        elif not plan.rules.excluded_by(factors):
            tips.append(TipAdvice(plan.tip, plan.rules.cautions(factors)))
    return tuple(tips)


def _triggers(
    report: Report,
    level: Urgency,
    recommendations: tuple[Recommended, ...],
    excluded: tuple[Excluded, ...],
    factors: dict[str, str],
    ready: Prepared,
) -> tuple[DisclaimerTrigger, ...]:
    on = (
        (DisclaimerTrigger.ALWAYS, True),
        (DisclaimerTrigger.NOT_SCREENED, not report.red_flags_screened),
        (DisclaimerTrigger.EMERGENCY, level is Urgency.EMERGENCY),
        (DisclaimerTrigger.PREGNANT, report.pregnant),
        (DisclaimerTrigger.BREASTFEEDING, report.breastfeeding),
        (DisclaimerTrigger.UNDER_16, report.age is not None and report.age < GUIDELINE_MIN_AGE),
        (DisclaimerTrigger.CLINICIAN_OPTIONS, any(r.treatment.invasiveness in SPECIALIST for r in recommendations)),
        (DisclaimerTrigger.CANNABIS_LAW, _cites_law(recommendations, excluded, factors, ready.cannabis_laws)),
    )
    return tuple(
        trigger for trigger, active in on if active
    )  # in a fixed order: the trace is the same in every process


def _cites_law(
    recommendations: tuple[Recommended, ...],
    excluded: tuple[Excluded, ...],
    factors: dict[str, str],
    laws: frozenset[str],
) -> bool:
    active = laws.intersection(factors)
    if not active:
        return False  # cautions and contraindications only ever name active factors
    return any(c.factor in active for r in recommendations for c in r.cautions) or any(
        not active.isdisjoint(reason.factors)
        for e in excluded
        for reason in e.reasons
        if reason.rule == "contraindications"
    )


def _duration(report: Report) -> tuple[int | None, str]:
    """Days of symptoms: as reported, else at least as long as the longest trial of a treatment."""
    if report.symptom_duration_days is not None:
        return report.symptom_duration_days, ""
    weeks = [t.weeks for t in report.tried if t.weeks]
    return (max(weeks) * 7, " (at least the longest trial in tried)") if weeks else (None, "")


def _weeks(report: Report) -> tuple[str, ...]:
    return tuple(f"{t.treatment_id}:{t.weeks}w" for t in report.tried if t.weeks)


def _reported(report: Report) -> tuple[str, ...]:
    """Which fields were reported (names only: values stay in the request)."""
    return tuple(name for name, value in vars(report).items() if value not in (None, (), False))
