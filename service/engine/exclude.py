"""The exclusion rules: contraindications, evidence, stage, specialist gate, red-flag holds, preferences, prior tries."""

from __future__ import annotations

from dataclasses import dataclass

from service.engine.models import Msg, Outcome, Report
from service.engine.plans import TreatmentPlan
from service.engine.prepared import Prepared
from service.engine.results import Excluded, Reason
from service.engine.triage import TriageOutcome

FILTER_RULES = (
    "contraindications", "evidence", "stage-fit", "specialist-gate", "red-flag-holds", "preferences", "prior-tries",
)  # fmt: skip
TRIED = ("tried",)
EXCLUDING_TRIES = frozenset({Outcome.WORSE, Outcome.SIDE_EFFECTS})

Tries = dict[str, set[Outcome]]
Situation = tuple[int, bool, bool, bool]  # stage index, under 16, escalation, severe acute pain
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
    report: Report, factors: dict[str, str], situation: Situation, tri: TriageOutcome, tries: Tries, ready: Prepared
) -> Split:
    """Which treatments the rules exclude and why; from the situation's shared split when the report touches none."""
    shared = ready.baselines.get(situation)
    if shared is None:
        shared = Split.of(
            ready.treatments, tuple(_entry(p, situational(p, situation, ready)) for p in ready.treatments)
        )
        ready.baselines[situation] = shared
    tried = [tid for tid, outcomes in tries.items() if not EXCLUDING_TRIES.isdisjoint(outcomes)]
    touched = ready.touched(factors, tri.holds, report.avoid, tried)
    if not touched:
        return shared
    entries = list(shared.entries)
    for i in touched:
        p, entry = ready.treatments[i], entries[i]
        entries[i] = _entry(p, exclusions(p, report, factors, entry[0].reasons if entry else (), tri, tries, ready))
    return Split.of(ready.treatments, tuple(entries))


def _entry(p: TreatmentPlan, reasons: list[Reason]) -> Entry:
    return (Excluded(p.treatment, tuple(reasons)), frozenset(r.rule for r in reasons)) if reasons else None


def situational(p: TreatmentPlan, situation: Situation, ready: Prepared) -> list[Reason]:
    """The reasons that depend only on the situation: evidence, stage fit and the specialist gate."""
    stage, under_16, escalation, severe_acute = situation
    out = []
    if p.evidence_reason:
        out.append(p.evidence_reason)
    if not p.fits[stage]:
        out.append(ready.not_for_stage)
    if p.specialist and under_16:
        out.append(ready.under_16)
    elif p.specialist and not (escalation or (severe_acute and p.injection)):
        # Specialist options come into view after persistence or worsening; an injection also for severe acute pain.
        out.append(ready.needs_assessment)
    return out


def exclusions(
    p: TreatmentPlan,
    report: Report,
    factors: dict[str, str],
    situational: tuple[Reason, ...],
    tri: TriageOutcome,
    tries: Tries,
    ready: Prepared,
) -> list[Reason]:
    """Every reason this treatment is not for this person (empty when it may be recommended), given the reasons of
    its situation (see situational())."""
    say = ready.say
    out = p.rules.excluded_by(factors)
    out += situational
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
