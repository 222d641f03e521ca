"""The content report a clinical reviewer reads: counts, reading grades, unverified claims, reviews due, translations."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from service.engine import models as m
from service.knowledge.attribution import Sourcing
from service.knowledge.texts import PatientText, patient_texts

DUE_SOON = timedelta(days=90)


def grader() -> Callable[[str], float] | None:
    """Flesch-Kincaid grade from textstat (a test dependency, pinned to a release that reads offline), if installed."""
    try:
        import textstat
    except ImportError:
        return None
    return textstat.flesch_kincaid_grade


def content_report(kb: m.KnowledgeBase, today: date) -> Iterator[str]:
    """The report's lines."""
    yield f"content {kb.content_version} ({kb.content_hash[:12]})"
    counts = {
        k: len(getattr(kb, k))
        for k in ("treatments", "tips", "red_flags", "factors", "sources", "hazards", "illustrations")
    }
    yield "counts: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
    yield from _readability(list(patient_texts(kb)))
    yield from _claims(kb)
    yield from _reviews(kb, today)
    yield from _translations(kb)


def _readability(texts: list[PatientText]) -> Iterator[str]:
    fk = grader()
    if fk is None:
        yield "readability: install the test extras (pip install -e '.[test]') to measure it"
        return
    graded = sorted(((fk(t.text.get_text()), t) for t in texts), key=lambda x: -x[0])
    grades = [g for g, _ in graded]
    over = [(g, t) for g, t in graded if g > t.limit]
    yield (
        f"readability (Flesch-Kincaid grade, English): {len(grades)} texts, median {statistics.median(grades):.1f}, "
        f"worst {grades[0]:.1f}, over their limit {len(over)}"
    )
    bands = Counter(min(int(g), 12) for g in grades)
    yield "  grades: " + ", ".join(f"{'12+' if b == 12 else b}: {bands[b]}" for b in sorted(bands))
    for g, t in graded[:5]:
        yield f"  {g:4.1f} (limit {t.limit}) {t.kind} {t.where}"


def _claims(kb: m.KnowledgeBase) -> Iterator[str]:
    sourcing = Sourcing.of(kb)
    n = sourcing.counts()
    yield (
        f"safety rules: {n['rules']}; stated by a source read at its publisher {n['verified']}, only second-hand "
        f"{n['second_hand']}, clinical convention (unverified) {n['clinical_convention']}"
    )
    for label, group in (("convention", sourcing.convention), ("second-hand", sourcing.second_hand)):
        for r in group:
            yield f"  {label}: {r.file} {r.record} {r.field}" + (f" ({r.factor})" if r.factor else "")
    unverified = [s.id for s in kb.sources if not s.verified]
    yield f"sources: {len(kb.sources)}, not verified at the publisher {len(unverified)}" + (
        f" ({', '.join(unverified)})" if unverified else ""
    )


def _reviews(kb: m.KnowledgeBase, today: date) -> Iterator[str]:
    dated = [(f"treatments/{t.id}", t.next_review_due) for t in kb.treatments]
    dated += [(f"tips/{t.id}", t.next_review_due) for t in kb.tips] + [("condition", kb.condition.next_review_due)]
    due = sorted((d, w) for w, d in dated if d <= today + DUE_SOON)
    yield f"reviews: {len(dated)} dated records, next due {min(d for _, d in dated)}, due within 90 days {len(due)}"
    for d, w in due:
        yield f"  {'overdue' if d < today else 'due'} {d}: {w}"


def _translations(kb: m.KnowledgeBase) -> Iterator[str]:
    """Per language besides English: how many records are translated, and how many a bilingual clinician reviewed."""
    records = [r for kind in dataclasses.fields(kb) for r in _records(getattr(kb, kind.name))]
    for lang in kb.languages[1:]:
        done = [t for r in records if (t := r.translation(lang)) is not None]
        by = Counter(t.status.value for t in done)
        yield f"translations ({lang}): {len(done)} records, reviewed {by['reviewed']}, draft {by['draft']}"


def _records(value: object) -> list[m.Translated]:
    if isinstance(value, m.Translated):
        return [value]
    return [r for r in value if isinstance(r, m.Translated)] if isinstance(value, tuple) else []
