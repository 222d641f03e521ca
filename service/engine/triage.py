"""Triage rules: screening, red flags, medicine combinations, scope, persistence and severity; each leaves a trace."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.engine.basis import Basis
from service.engine.factors import FIELD_ORDER, Factors, least_days
from service.engine.models import Factor, Invasiveness, KnowledgeBase, Msg, Outcome, RedFlag, Report, Stage, Urgency
from service.engine.results import Reason, Trace
from service.engine.say import Say

ORDER = list(Urgency)  # most urgent first
PERSISTENT_DAYS = 42  # six weeks: the end of the acute stage
ADEQUATE_TRIAL_WEEKS = 6
SEVERE_PAIN = 7  # on the 0-10 scale
UNDER_16 = "age-under-16"
WORSENING_FLAG = "worsening-or-not-improving"
# Until every warning-sign question is answered: hands-on, needles, devices, injections and surgery wait.
SCREENING_HOLDS = (Invasiveness.MINIMAL, Invasiveness.PROCEDURE, Invasiveness.SURGICAL)


@dataclass(frozen=True)
class TriageOutcome:
    level: Urgency
    reasons: tuple[Reason, ...]
    flags: frozenset[str]
    holds: dict[Invasiveness, tuple[str, ...]]  # kinds of option held until assessment -> the red flags holding them
    screened: bool


def raise_to(level: Urgency, at_least: Urgency) -> Urgency:
    """The more urgent of two levels."""
    return min(level, at_least, key=ORDER.index)


def triage(
    report: Report, factors: Factors, stages: tuple[Stage, ...], kb: KnowledgeBase, ready: Basis, trace: Trace
) -> TriageOutcome:
    """Apply the triage rules in order; an unanswered question counts at its most urgent possible answer."""
    say = ready.say
    level, reasons = Urgency.SELF_CARE, []
    if not report.red_flags_screened:
        reasons.append(say.reason("screening", Msg.NOT_SCREENED, ("red_flags_screened",)))
    flags = {fid: kb.index["red_flags"][fid] for fid in sorted(set(report.red_flags))}
    for fid, flag in flags.items():
        level = raise_to(level, flag.urgency)
        reasons.append(Reason("red-flags", Msg.RED_FLAG.value, flag.meaning.get_text(say.lang), (fid,)))
    trace.add("red-flags", {"red_flags": tuple(flags)}, f"level {level.value}")

    for fid in factors.known:
        factor = kb.index["factors"][fid]
        implied = factor.implies_red_flag if isinstance(factor, Factor) else None
        if implied and implied not in flags:
            flag = flags[implied] = kb.index["red_flags"][implied]
            level = raise_to(level, flag.urgency)
            reasons.append(Reason("implied-red-flags", Msg.IMPLIED_RED_FLAG.value, _implied(say, flag), (fid, implied)))
    trace.add(
        "implied-red-flags", {"reported": tuple(factors.known)}, f"red flags {_names(flags)}; level {level.value}"
    )

    combined = sorted(fid for fid, flag in flags.items() if set(flag.escalates_with) & set(flags))
    if combined:
        level = Urgency.EMERGENCY
        reasons.append(say.reason("red-flag-combinations", Msg.RED_FLAG_COMBINATION, tuple(combined)))
    trace.add(
        "red-flag-combinations", {"red_flags": tuple(flags)}, f"escalating: {_names(combined)}; level {level.value}"
    )

    level = _combinations(factors, kb, ready, level, reasons, trace)

    if UNDER_16 in factors.known:
        level = raise_to(level, Urgency.CONSULT)
        reasons.append(say.reason("age-scope", Msg.UNDER_16, ("age",)))
    elif UNDER_16 in factors.possible:
        level = raise_to(level, Urgency.CONSULT)
        reasons.append(say.unknown(say.reason("age-scope", Msg.UNDER_16, ("age",)), "age"))
    trace.add("age-scope", {"age": report.age}, f"level {level.value}")

    persistent = _persistent(report, flags)
    if persistent or report.symptom_duration_days is None:
        level = raise_to(level, Urgency.CONSULT)
        reason = say.reason("persistent-symptoms", Msg.PERSISTENT_SYMPTOMS, ("symptom_duration_days", "tried"))
        reasons.append(reason if persistent else say.unknown(reason, "symptom_duration_days"))
    trace.add(
        "persistent-symptoms",
        {"symptom_duration_days": report.symptom_duration_days, "tried": _tried(report)},
        f"{'persistent' if persistent else 'not known' if report.symptom_duration_days is None else 'not yet'}; "
        f"level {level.value}",
    )

    pain = report.pain_severity
    if Stage.ACUTE in stages and (pain is None or pain >= SEVERE_PAIN):
        level = raise_to(level, Urgency.CONSULT)
        reason = say.reason("severe-acute-pain", Msg.SEVERE_ACUTE_PAIN, ("pain_severity",))
        if pain is None:
            reason = say.unknown(reason, "pain_severity")
        elif len(stages) > 1:
            reason = say.unknown(reason, "symptom_duration_days")
        reasons.append(reason)
    trace.add(
        "severe-acute-pain", {"pain_severity": pain, "stages": tuple(s.value for s in stages)}, f"level {level.value}"
    )

    if report.red_flags_screened and level is Urgency.SELF_CARE:
        reasons.append(say.reason("screening", Msg.NO_CONCERNS, ("red_flags_screened",)))
    holds: dict[Invasiveness, tuple[str, ...]] = {}
    for fid, flag in flags.items():
        for kind in flag.holds:
            holds[kind] = (*holds.get(kind, ()), fid)
    trace.add(
        "screening",
        {"red_flags_screened": report.red_flags_screened},
        "screened" if report.red_flags_screened else "checklist first; hands-on and invasive options held",
    )
    return TriageOutcome(level, tuple(reasons), frozenset(flags), holds, report.red_flags_screened)


def _combinations(
    factors: Factors, kb: KnowledgeBase, ready: Basis, level: Urgency, reasons: list[Reason], trace: Trace
) -> Urgency:
    """Things already taken or had that are dangerous together; a combination an unanswered question leaves open
    counts too (named when one part was reported, else in one reason for all of them)."""
    found: list[str] = []
    unknown_fields: dict[str, None] = {}
    active = factors.active()
    say = ready.say
    for combo in kb.combinations if not ready.combination_factors.isdisjoint(active) else ():
        parts = combo.parts(factors.known)
        if parts is not None:
            found.append(combo.id)
            level = raise_to(level, combo.urgency)
            reasons.append(say.combination(combo, parts))
            continue
        parts = combo.parts(active)
        if parts is not None:
            level = raise_to(level, combo.urgency)
            fields = tuple(dict.fromkeys(factors.possible[p] for p in parts if p in factors.possible))
            if any(p in factors.known for p in parts):
                found.append(f"{combo.id} (not ruled out)")
                reasons.append(say.unknown(say.combination(combo, parts), *fields))
            else:
                unknown_fields.update(dict.fromkeys(fields))
    if unknown_fields:  # one reason for every combination that only unanswered questions leave open
        fields = tuple(f for f in FIELD_ORDER if f in unknown_fields)
        found.append(f"any ({', '.join(fields)} not answered)")
        generic = say.reason("medicine-combinations", Msg.MEDICINE_COMBINATION, fields)
        reasons.append(say.unknown(generic, *fields))
    trace.add(
        "medicine-combinations", {"reported": tuple(factors.known)}, f"found: {_names(found)}; level {level.value}"
    )
    return level


def _implied(say: Say, flag: RedFlag) -> str:
    return f"{say(Msg.IMPLIED_RED_FLAG)} {flag.meaning.get_text(say.lang)}"


def _persistent(report: Report, flags: dict[str, RedFlag]) -> bool:
    """Six weeks or more (reported, or certain from a trial), a fair trial without change, anything that made it
    worse, or reported worsening."""
    if WORSENING_FLAG in flags:
        return True
    if least_days(report) >= PERSISTENT_DAYS:
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
