"""Generated reports for the property tests: every field answered, left unanswered (None) or at its edges."""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from service.engine import check_report
from service.engine.models import FactorKind, Outcome, Report, Tried
from service.knowledge import load_knowledge

KB = load_knowledge()
FACTORS = {kind: [f.id for f in KB.factors if f.kind is kind] for kind in FactorKind}
TREATMENTS = [t.id for t in KB.treatments] + sorted(KB.index["replaced"])  # retired ids apps may still send
RED_FLAGS = [f.id for f in KB.red_flags]
# Conditions and medicines that count as red flags: adding one is a red flag, which the red-flag questions cover.
IMPLYING = {f.id for f in KB.factors if f.implies_red_flag}
JURISDICTIONS = FACTORS[FactorKind.JURISDICTION] + ["BR", "US-WY", "ZZ"]


def ids(values: list[str], max_size: int = 4) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), max_size=max_size, unique=True).map(tuple)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """A value, or None (the question was not answered)."""
    return st.none() | strategy


AGES = st.integers(0, 120) | st.sampled_from([11, 12, 15, 16, 17, 18, 19, 20, 50, 51, 60, 61, 64, 65])
DAYS = st.integers(0, 2000) | st.sampled_from([0, 41, 42, 84, 85, 365])
PAIN = st.integers(0, 10) | st.sampled_from([6, 7])
WEEKS = st.integers(0, 42) | st.sampled_from([19, 20, 29, 30])


@st.composite
def _reports(draw: st.DrawFn, complete: bool) -> Report:
    """A report that check_report accepts; `complete`: every question answered (screened, no unknowns), and often
    nothing of note, so one change is all that differs."""
    answer = (lambda s: s) if complete else maybe
    few = 1 if complete else 4
    age = draw(answer(AGES))
    days = draw(answer(DAYS))
    plausible = age is None or 10 <= age <= 60
    pregnant = (
        draw(answer(st.booleans())) if plausible else draw(st.sampled_from([False] if complete else [None, False]))
    )
    breastfeeding = (
        draw(answer(st.booleans())) if plausible else draw(st.sampled_from([False] if complete else [None, False]))
    )
    most_weeks = 520 if days is None else (days + 6) // 7  # the longest trial check_report accepts
    tried = tuple(
        Tried(tid, draw(st.sampled_from(list(Outcome))), draw(maybe(st.integers(0, min(52, most_weeks)))))
        for tid in draw(ids(TREATMENTS, 1 if complete else 3))
    )
    conditions = draw(answer(ids(FACTORS[FactorKind.CONDITION], few)))
    if conditions and not plausible:
        conditions = tuple(c for c in conditions if c != "could-become-pregnant")
    report = Report(
        age=age,
        symptom_duration_days=days,
        pain_severity=draw(answer(PAIN)),
        red_flags=draw(ids(RED_FLAGS, 1 if complete else 2)),
        red_flags_screened=True if complete else draw(st.booleans()),
        pregnant=pregnant,
        pregnancy_weeks=draw(answer(WEEKS)) if pregnant else None,
        breastfeeding=breastfeeding,
        conditions=conditions,
        medications=draw(answer(ids(FACTORS[FactorKind.MEDICATION], few))),
        tried=tried,
        avoid=draw(ids(FACTORS[FactorKind.PREFERENCE], 1 if complete else 4)),
        jurisdiction=draw(maybe(st.sampled_from(JURISDICTIONS))),
    )
    if report.age is not None and report.symptom_duration_days is not None:
        report = dataclasses.replace(report, symptom_duration_days=min(days or 0, (report.age + 1) * 366))
    assert check_report(report, KB) == [], check_report(report, KB)
    return report


def complete_reports() -> st.SearchStrategy[Report]:
    """Reports with every safety question answered."""
    return _reports(complete=True)


def reports() -> st.SearchStrategy[Report]:
    """Complete reports and reports with any mix of unanswered questions."""
    return st.one_of(_reports(complete=True), _reports(complete=False))


def answered(report: Report, **values: object) -> Report:
    """The report with these fields set."""
    return dataclasses.replace(report, **values)
