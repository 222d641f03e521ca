"""Triage rules: red flags first, then scope, persistence and severity; each rule leaves a trace step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.engine.models import Category, Factor, KnowledgeBase, Msg, Outcome, RedFlag, Report, Stage, Urgency
from service.engine.results import Reason, Trace
from service.engine.say import Say

ORDER = list(Urgency)  # most urgent first
PERSISTENT_DAYS = 42  # six weeks: the end of the acute stage
ADEQUATE_TRIAL_WEEKS = 6
SEVERE_PAIN = 7  # on the 0-10 scale
GUIDELINE_MIN_AGE = 16
WORSENING_FLAG = "worsening-or-not-improving"


@dataclass(frozen=True)
class TriageOutcome:
    level: Urgency
    reasons: tuple[Reason, ...]
    flags: frozenset[str]
    escalation: bool  # specialist options (injection, surgery) come into view
    severe_acute: bool  # an epidural may be discussed for severe acute pain
    under_16: bool  # outside the guidelines' scope: specialist options stay with the assessing clinician
    holds: dict[Category, tuple[str, ...]]  # categories held until assessment -> the red flags holding them


def raise_to(level: Urgency, at_least: Urgency) -> Urgency:
    """The more urgent of two levels."""
    return min(level, at_least, key=ORDER.index)


def triage(
    report: Report, factors: dict[str, str], stage: Stage | None, kb: KnowledgeBase, say: Say, trace: Trace
) -> TriageOutcome:
    """Apply the triage rules in order; `say(code)` gives a message's wording."""
    level, reasons = Urgency.SELF_CARE, []
    flags = {fid: kb.index["red_flags"][fid] for fid in sorted(set(report.red_flags))}
    for fid, flag in flags.items():
        level = raise_to(level, flag.urgency)
        reasons.append(Reason("red-flags", Msg.RED_FLAG.value, flag.meaning.get_text(say.lang), (fid,)))
    trace.add("red-flags", {"red_flags": tuple(flags)}, f"level {level.value}")

    for fid in factors:
        factor = kb.index["factors"][fid]
        implied = factor.implies_red_flag if isinstance(factor, Factor) else None
        if implied and implied not in flags:
            flag = kb.index["red_flags"][implied]
            flags[implied] = flag
            level = raise_to(level, flag.urgency)
            reasons.append(
                Reason("implied-red-flags", Msg.IMPLIED_RED_FLAG.value, say(Msg.IMPLIED_RED_FLAG), (fid, implied))
            )
    trace.add("implied-red-flags", {"conditions": report.conditions}, f"red flags {_names(flags)}; level {level.value}")

    combined = sorted(fid for fid, flag in flags.items() if set(flag.escalates_with) & set(flags))
    if combined:
        level = Urgency.EMERGENCY
        reasons.append(
            Reason(
                "red-flag-combinations", Msg.RED_FLAG_COMBINATION.value, say(Msg.RED_FLAG_COMBINATION), tuple(combined)
            )
        )
    trace.add(
        "red-flag-combinations", {"red_flags": tuple(flags)}, f"escalating: {_names(combined)}; level {level.value}"
    )

    if report.age is not None and report.age < GUIDELINE_MIN_AGE:
        level = raise_to(level, Urgency.CONSULT)
        reasons.append(say.reason("age-scope", Msg.UNDER_16, ("age",)))
    trace.add("age-scope", {"age": report.age}, f"level {level.value}")

    escalation = _persistent(report, flags)
    if escalation:
        level = raise_to(level, Urgency.CONSULT)
        reasons.append(
            Reason(
                "persistent-symptoms",
                Msg.PERSISTENT_SYMPTOMS.value,
                say(Msg.PERSISTENT_SYMPTOMS),
                ("symptom_duration_days", "tried"),
            )
        )
    trace.add(
        "persistent-symptoms",
        {"symptom_duration_days": report.symptom_duration_days, "tried": _tried(report)},
        f"specialist options {'in view' if escalation else 'not yet'}; level {level.value}",
    )

    severe = report.pain_severity is not None and report.pain_severity >= SEVERE_PAIN and stage in (Stage.ACUTE, None)
    if severe:
        level = raise_to(level, Urgency.CONSULT)
        reasons.append(
            Reason("severe-acute-pain", Msg.SEVERE_ACUTE_PAIN.value, say(Msg.SEVERE_ACUTE_PAIN), ("pain_severity",))
        )
    trace.add(
        "severe-acute-pain",
        {"pain_severity": report.pain_severity, "stage": stage.value if stage else None},
        f"level {level.value}",
    )

    if not report.red_flags_screened:
        reasons.append(say.reason("screening", Msg.NOT_SCREENED, ("red_flags_screened",)))
    elif level is Urgency.SELF_CARE:
        reasons.append(say.reason("screening", Msg.NO_CONCERNS, ("red_flags_screened",)))
    trace.add(
        "screening",
        {"red_flags_screened": report.red_flags_screened},
        "checklist included" if not report.red_flags_screened else "screened",
    )
    holds: dict[Category, tuple[str, ...]] = {}
    for fid, flag in flags.items():
        for category in flag.holds:
            holds[category] = (*holds.get(category, ()), fid)
    under_16 = report.age is not None and report.age < GUIDELINE_MIN_AGE
    return TriageOutcome(level, tuple(reasons), frozenset(flags), escalation, severe, under_16, holds)


def _persistent(report: Report, flags: dict[str, RedFlag]) -> bool:
    """Symptoms past six weeks, a fair trial that did not help, anything that made it worse, or reported worsening."""
    if WORSENING_FLAG in flags:
        return True
    if report.symptom_duration_days is not None and report.symptom_duration_days >= PERSISTENT_DAYS:
        return True
    for t in report.tried:
        if t.outcome is Outcome.WORSE:
            return True
        if t.outcome is Outcome.NO_CHANGE and (t.weeks or 0) >= ADEQUATE_TRIAL_WEEKS:
            return True
    return False


def _tried(report: Report) -> tuple[str, ...]:
    return tuple(f"{t.treatment_id}:{t.outcome.value}:{t.weeks}w" for t in report.tried)


def _names(ids: Iterable[str]) -> str:
    return ", ".join(ids) or "none"
