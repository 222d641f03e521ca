"""The exclusion rules: contraindications, evidence, stage, specialist criteria, holds, preferences, prior tries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.engine.basis import Basis
from service.engine.factors import Factors, least_days
from service.engine.models import Criteria, DrugClass, Msg, Outcome, Report, RuleLevel, Stage
from service.engine.plans import STAGE_INDEX, TreatmentPlan
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
Situation = tuple[tuple[Stage, ...], frozenset[str]]  # (possible stages, the specialist options whose criteria are met)


@dataclass(frozen=True)
class Split:
    """The treatments split by the exclusion rules, and each rule's trace decision (by FILTER_RULES)."""

    entries: tuple[Entry, ...]  # by plan
    kept: tuple[TreatmentPlan, ...]
    excluded: tuple[Excluded, ...]
    decisions: tuple[str, ...]
    excluded_ids: frozenset[str]
    contraindicated: frozenset[str]  # every factor a contraindication names

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
        contraindicated = frozenset(
            f for e in excluded for r in e.reasons if r.rule == "contraindications" for f in r.factors
        )
        ids = frozenset(e.treatment.id for e in excluded)
        return cls(entries, tuple(kept), tuple(excluded), decisions, ids, contraindicated)


def split(report: Report, factors: Factors, tri: TriageOutcome, tries: Tries, ready: Basis, shared: Split) -> Split:
    """Which treatments the rules exclude and why; from the shared split of the report's situation (baseline()) for
    the plans the report does not otherwise touch."""
    held = list(tri.holds) if tri.screened else [*tri.holds, *SCREENING_HOLDS]
    touched = ready.touched((*factors.known, *factors.possible), held, report.avoid, tries)
    if not touched:
        return shared
    entries = list(shared.entries)
    for i in touched:
        p, entry = ready.treatments[i], entries[i]
        entries[i] = _entry(p, exclusions(p, report, factors, entry[0].reasons if entry else (), tri, tries, ready))
    return Split.of(ready.treatments, tuple(entries))


def baseline(ready: Basis, case: Situation) -> Split:
    """The split every report in this situation shares, before what else it says."""
    stages, opened = case
    return Split.of(ready.treatments, tuple(_entry(p, situational(p, stages, ready, opened)) for p in ready.treatments))


def _entry(p: TreatmentPlan, reasons: list[Reason]) -> Entry:
    return (Excluded(p.treatment, tuple(reasons)), frozenset(r.rule for r in reasons)) if reasons else None


def situational(p: TreatmentPlan, stages: tuple[Stage, ...], ready: Basis, opened: frozenset[str]) -> list[Reason]:
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
    ready: Basis,
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


def situation(report: Report, stages: tuple[Stage, ...], ready: Basis) -> Situation:
    """The possible stages and the specialist options whose own criteria the report meets."""
    pain, days = report.pain_severity, least_days(report)
    seen: list[bool] = []

    def failed() -> bool:  # worked out once, and only when a criterion asks
        if not seen:
            seen.append(failed_care(report, ready))
        return seen[0]

    return stages, frozenset(p.treatment.id for p in ready.specialist if meets(p.criteria, pain, days, failed))


def openable(ready: Basis) -> tuple[frozenset[str], ...]:
    """Every set of open specialist options situation() can return. A criterion reads only a pain floor, a days floor
    and failed care, so reports at every floor (and below the lowest), with and without failed care, meet every
    combination one report can meet."""
    found = [p.criteria for p in ready.specialist if p.criteria is not None]
    pains = {None, *(c.min_pain for c in found if c.min_pain is not None)}
    days = {0, *(c.min_days for c in found if c.min_days is not None)}
    sets = (
        frozenset(p.treatment.id for p in ready.specialist if meets(p.criteria, pain, d, failed))
        for pain in pains
        for d in days
        for failed in (_no, _yes)
    )
    return tuple(dict.fromkeys(sorted(sets, key=sorted)))


def _no() -> bool:
    return False


def _yes() -> bool:
    return True


def criteria_met(p: TreatmentPlan, report: Report, ready: Basis) -> bool:
    """A specialist option's own criteria; an unanswered question never meets one."""
    return meets(p.criteria, report.pain_severity, least_days(report), lambda: failed_care(report, ready))


def meets(c: Criteria | None, pain: int | None, days: int, failed: Callable[[], bool]) -> bool:
    """Whether criteria are met at this pain (None: not answered), these days of symptoms for sure and, asked only
    when the criteria need it, whether other care failed."""
    if c is None or c.never:
        return False
    if c.min_pain is not None and (pain is None or pain < c.min_pain):
        return False
    if c.min_days is not None and days < c.min_days:
        return False
    return not c.failed_care or failed()


def failed_care(report: Report, ready: Basis) -> bool:
    """Another, non-specialist option tried without help: no change after a fair trial, or worse."""
    for t in report.tried:
        plan = next((p for p in ready.treatments if p.treatment.id == t.treatment_id), None)
        if plan is None or plan.criteria is not None:
            continue
        if t.outcome is Outcome.WORSE or (t.outcome is Outcome.NO_CHANGE and (t.weeks or 0) >= ADEQUATE_TRIAL_WEEKS):
            return True
    return False
