"""answer(): triage a report and turn the knowledge base into a personal, explained answer."""

from __future__ import annotations

from service.engine.assess import assess
from service.engine.factors import Factors, current_ids, derive_factors, possible_stages
from service.engine.models import DisclaimerTrigger, KnowledgeBase, Msg, Report, Stage, Urgency
from service.engine.plans import SPECIALIST
from service.engine.prepared import Prepared
from service.engine.results import Excluded, Recommended, Result, TipAdvice, Trace, Triage
from service.engine.triage import UNDER_16, triage


def answer(report: Report, kb: KnowledgeBase, ready: Prepared) -> Result:
    """The whole answer for `report`, from the data prepared for `kb` in one language."""
    trace = Trace()
    report = current_ids(report, kb)
    say = ready.say
    factors = derive_factors(report, kb)
    trace.add(
        "derive-factors",
        {"reported": _reported(report), "not answered": factors.unanswered},
        f"reported: {', '.join(factors.known) or 'none'}; not ruled out: {', '.join(factors.possible) or 'none'}",
    )
    stages = possible_stages(report, kb)
    decided = "stage " + " or ".join(s.value for s in stages)
    trace.add("stage", {"symptom_duration_days": report.symptom_duration_days, "tried": _weeks(report)}, decided)
    tri = triage(report, factors, stages, kb, ready, trace)

    recommendations: tuple[Recommended, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    contraindicated: frozenset[str] = frozenset()  # the factors the exclusions' contraindications name
    tips: tuple[TipAdvice, ...] = ()
    if tri.level is Urgency.EMERGENCY:
        trace.add("emergency-short-circuit", {"level": tri.level.value}, "no treatments or tips: seek emergency care")
    elif tri.level is Urgency.URGENT:
        hold = say.reason("urgent-hold", Msg.URGENT_ASSESSMENT_FIRST, tuple(sorted(tri.flags)))
        excluded = tuple(Excluded(t, (hold,)) for t in kb.treatments)
        tips = tuple(p.plain for p in ready.tips if p.tip.safety_net)
        trace.add(
            "urgent-hold", {"level": tri.level.value}, "all treatments held until same-day assessment; safety-net tips"
        )
    else:
        recommendations, done = assess(report, factors, stages, tri, ready, trace)
        excluded, contraindicated = done.excluded, done.contraindicated
        tips = _tips(ready, factors, stages, done.excluded_ids)
        trace.add(
            "tips",
            {"stages": tuple(s.value for s in stages), "factors": tuple(factors.active())},
            "tips: " + (", ".join(a.tip.id for a in tips) or "none"),
        )

    action = ready.actions[tri.level]
    if not report.red_flags_screened and tri.level is not Urgency.EMERGENCY:
        action = f"{say(Msg.NOT_SCREENED)} {action}"  # the screening comes first
    triggers = _triggers(report, tri.level, recommendations, contraindicated, factors, ready)
    disclaimers = tuple(d for d in kb.disclaimers if d.trigger in triggers)
    trace.add(
        "disclaimers",
        {"situations": tuple(t.value for t in triggers)},
        "disclaimers: " + ", ".join(d.id for d in disclaimers),
    )
    return Result(
        triage=Triage(tri.level, tri.reasons, action),
        stage=stages[0],
        stage_assumed=len(stages) > 1 or report.symptom_duration_days is None,
        red_flags_screened=report.red_flags_screened,
        recommendations=recommendations,
        excluded=excluded,
        tips=tips,
        disclaimers=disclaimers,
        red_flag_checklist=() if report.red_flags_screened else kb.red_flags,
        trace=tuple(trace.steps),
        unanswered=factors.unanswered,
    )


def _tips(
    ready: Prepared, factors: Factors, stages: tuple[Stage, ...], excluded: frozenset[str]
) -> tuple[TipAdvice, ...]:
    """Tips that fit every possible stage, that no rule excludes, and that support nothing the answer excludes."""
    tips = []
    for plan in ready.tips_for(stages):
        if not plan.supports.isdisjoint(excluded):
            continue
        if not plan.rules.touched_by(factors):
            tips.append(plan.plain)
        elif not plan.rules.excluded_by(factors, ready.say):
            tips.append(TipAdvice(plan.tip, plan.rules.cautions(factors, ready.say)))
    return tuple(tips)


def _triggers(
    report: Report,
    level: Urgency,
    recommendations: tuple[Recommended, ...],
    contraindicated: frozenset[str],
    factors: Factors,
    ready: Prepared,
) -> tuple[DisclaimerTrigger, ...]:
    active = factors.active()
    on = (
        (DisclaimerTrigger.ALWAYS, True),
        (DisclaimerTrigger.NOT_SCREENED, not report.red_flags_screened),
        (DisclaimerTrigger.EMERGENCY, level is Urgency.EMERGENCY),
        (DisclaimerTrigger.PREGNANT, "pregnant" in active),
        (DisclaimerTrigger.BREASTFEEDING, "breastfeeding" in active),
        (DisclaimerTrigger.UNDER_16, UNDER_16 in active),
        (DisclaimerTrigger.CLINICIAN_OPTIONS, any(r.treatment.invasiveness in SPECIALIST for r in recommendations)),
        (DisclaimerTrigger.CANNABIS_LAW, _cites_law(recommendations, contraindicated, active, ready.cannabis_laws)),
        (DisclaimerTrigger.UNANSWERED, any(f != "red_flags_screened" for f in factors.unanswered)),
    )
    return tuple(trigger for trigger, on_ in on if on_)  # in a fixed order: the trace is the same in every process


def _cites_law(
    recommendations: tuple[Recommended, ...],
    contraindicated: frozenset[str],
    factors: dict[str, str],
    laws: frozenset[str],
) -> bool:
    active = laws.intersection(factors)
    if not active:
        return False  # cautions and contraindications only ever name active factors
    return not active.isdisjoint(contraindicated) or any(
        c.factor in active for r in recommendations for c in r.cautions
    )


def _weeks(report: Report) -> tuple[str, ...]:
    return tuple(f"{t.treatment_id}:{t.weeks}w" for t in report.tried if t.weeks)


def _reported(report: Report) -> tuple[str, ...]:
    """Which fields were reported (names only: values stay in the request)."""
    return tuple(name for name, value in vars(report).items() if value not in (None, (), False))
