"""The exclusion rules: contraindications, evidence, stage, specialist criteria, holds, preferences, prior tries."""

from __future__ import annotations

from dataclasses import dataclass

from service.engine.factors import Factors, least_days
from service.engine.models import DrugClass, Msg, Outcome, Report, RuleLevel, Stage
from service.engine.plans import STAGE_INDEX, TreatmentPlan
from service.engine.prepared import Prepared
from service.engine.results import Caution, Excluded, Reason
from service.engine.triage import ADEQUATE_TRIAL_WEEKS, SCREENING_HOLDS, TriageOutcome

FILTER_RULES = (
    "contraindications", "evidence", "stage-fit", "specialist-gate", "red-flag-holds", "screening-hold",
    "preferences", "prior-tries", "drug-classes",
)  # fmt: skip
TRIED = ("tried",)
BAD_REACTIONS = frozenset({Outcome.WORSE, Outcome.SIDE_EFFECTS})

Tries = dict[str, set[Outcome]]
Entry = tuple[Excluded, frozenset[str]] | None  # a plan's exclusion and the rules in it, or None when it is kept


@dataclass(frozen=True)
class Split:
    """The treatments split by the exclusion rules, and each rule's trace decision (by FILTER_RULES)."""

    entries: tuple[Entry, ...]  # by plan
    kept: tuple[TreatmentPlan, ...]
    excluded: tuple[Excluded, ...]
    decisions: tuple[str, ...]

    @classmethod
    def of(cls, plans: tuple[TreatmentPlan, ...], entries: tuple[Entry, ...]) -> Split:
        kept, excluded = [], []
        hits: dict[str, list[str]] = {rule: [] for rule in FILTER_RULES}
        for p, entry in zip(plans, entries, strict=True):
            if entry is None:
                kept.append(p)
            else:
                excluded.append(entry[0])
                for rule in entry[1]:
                    hits[rule].append(p.treatment.id)
        decisions = tuple(f"excluded: {', '.join(hits[rule]) or 'none'}" for rule in FILTER_RULES)
        return cls(entries, tuple(kept), tuple(excluded), decisions)


def split(
    report: Report, factors: Factors, stages: tuple[Stage, ...], tri: TriageOutcome, tries: Tries, ready: Prepared
) -> Split:
    """Which treatments the rules exclude and why; from the shared split of the situation (possible stages, which
    specialist options meet their criteria) for plans the report does not otherwise touch."""
    opened = frozenset(p.treatment.id for p in ready.specialist if criteria_met(p, report, ready))
    situation = (stages, opened)
    shared = ready.baselines.get(situation)
    if shared is None:
        shared = Split.of(
            ready.treatments, tuple(_entry(p, situational(p, stages, ready, opened)) for p in ready.treatments)
        )
        ready.baselines[situation] = shared
    held = list(tri.holds) if tri.screened else [*tri.holds, *SCREENING_HOLDS]
    touched = ready.touched((*factors.known, *factors.possible), held, report.avoid, tries)
    entries = list(shared.entries)
    for i in touched:
        p, entry = ready.treatments[i], entries[i]
        entries[i] = _entry(p, exclusions(p, report, factors, entry[0].reasons if entry else (), tri, tries, ready))
    return Split.of(ready.treatments, tuple(entries))


def _entry(p: TreatmentPlan, reasons: list[Reason]) -> Entry:
    return (Excluded(p.treatment, tuple(reasons)), frozenset(r.rule for r in reasons)) if reasons else None


def situational(p: TreatmentPlan, stages: tuple[Stage, ...], ready: Prepared, opened: frozenset[str]) -> list[Reason]:
    """The reasons that depend only on the situation: evidence, stage fit (every possible stage) and, for a
    specialist option, its own criteria (`opened`: the specialist options whose criteria the report meets)."""
    out = list(dict.fromkeys(r for r in (p.evidence_reasons[STAGE_INDEX[s]] for s in stages) if r is not None))
    if not all(p.fits[STAGE_INDEX[s]] for s in stages):
        out.append(ready.not_for_stage)
    if p.gate_reason is not None and p.treatment.id not in opened:
        out.append(p.gate_reason)
    return out


def exclusions(
    p: TreatmentPlan,
    report: Report,
    factors: Factors,
    situational: tuple[Reason, ...],
    tri: TriageOutcome,
    tries: Tries,
    ready: Prepared,
) -> list[Reason]:
    """Every reason this treatment is not for this person (empty when it may be recommended), given the reasons of
    its stage set (see situational())."""
    say = ready.say
    out = p.rules.excluded_by(factors, say)
    out += situational
    if p.invasiveness in tri.holds:
        out.append(say.reason("red-flag-holds", Msg.ASSESSMENT_FIRST, tri.holds[p.invasiveness]))
    if not tri.screened and p.invasiveness in SCREENING_HOLDS:
        out.append(say.reason("screening-hold", Msg.SCREENING_FIRST, ("red_flags_screened",)))
    if report.avoid:
        avoided = tuple(pref for pref in p.treatment.avoid_if if pref in report.avoid)
        if avoided:
            out.append(say.reason("preferences", Msg.PREFERENCE, avoided))
    outcomes = tries.get(p.treatment.id, ())
    if Outcome.WORSE in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_WORSE, TRIED))
    if Outcome.SIDE_EFFECTS in outcomes:
        out.append(say.reason("prior-tries", Msg.TRIED_SIDE_EFFECTS, TRIED))
    for cls, member in class_reactions(p, tries):
        if cls.reaction is RuleLevel.EXCLUDE:
            text = cls.reaction_reason.get_text(say.lang)
            out.append(Reason("drug-classes", Msg.CLASS_REACTION.value, text, ("tried", member)))
    return out


def class_reactions(p: TreatmentPlan, tries: Tries) -> list[tuple[DrugClass, str]]:
    """(class, member) for each other member of this plan's drug classes that went badly for the person."""
    return [
        (cls, member)
        for cls in p.classes
        for member in cls.members
        if member != p.treatment.id and not BAD_REACTIONS.isdisjoint(tries.get(member, ()))
    ]


def class_cautions(p: TreatmentPlan, tries: Tries, lang: str) -> tuple[Caution, ...]:
    """The cautions a bad reaction to another member of a caution-level class adds."""
    classes = {cls.id: cls for cls, _ in class_reactions(p, tries) if cls.reaction is not RuleLevel.EXCLUDE}
    return tuple(Caution("tried", cls.reaction, cls.reaction_reason.get_text(lang)) for cls in classes.values())


def criteria_met(p: TreatmentPlan, report: Report, ready: Prepared) -> bool:
    """A specialist option's own criteria; an unanswered question never meets one."""
    c = p.criteria
    if c is None or c.never:
        return False
    if c.min_pain is not None and (report.pain_severity is None or report.pain_severity < c.min_pain):
        return False
    if c.min_days is not None and least_days(report) < c.min_days:
        return False
    return not c.failed_care or failed_care(report, ready)


def failed_care(report: Report, ready: Prepared) -> bool:
    """Another, non-specialist option tried without help: no change after a fair trial, or worse."""
    for t in report.tried:
        plan = next((p for p in ready.treatments if p.treatment.id == t.treatment_id), None)
        if plan is None or plan.criteria is not None:
            continue
        if t.outcome is Outcome.WORSE or (t.outcome is Outcome.NO_CHANGE and (t.weeks or 0) >= ADEQUATE_TRIAL_WEEKS):
            return True
    return False
