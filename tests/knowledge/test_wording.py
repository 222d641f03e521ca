"""What a person reads: plain language at the grade limits, words no stronger than the evidence, nothing copied.

Reading grades are Flesch-Kincaid from textstat, pinned to 0.7.8: later releases download a pronunciation
dictionary at run time, which these machines and CI cannot.
"""

from __future__ import annotations

import re
import statistics

import pytest
import textstat

from service.engine.models import Certainty, Direction, Evidence, StageEvidence
from service.knowledge import load_knowledge
from service.knowledge.texts import BENEFIT_WORDS, GRADE_WORDS, PatientText, patient_texts
from tests.content_report import LINES
from tests.knowledge import shingles

KB = load_knowledge()
TEXTS = list(patient_texts(KB))
SUPPORTING = (Direction.FOR, Direction.CONDITIONAL)
NEGATED = re.compile(r"\b(not|never|no|un)\W*$")


def grade(t: PatientText) -> float:
    return float(textstat.flesch_kincaid_grade(t.text.get_text()))


def test_every_text_reads_within_its_grade_limit():
    graded = sorted(((grade(t), t) for t in TEXTS), key=lambda x: -x[0])
    grades = [g for g, _ in graded]
    worst = "; ".join(f"{g:.1f} {t.kind} {t.where}" for g, t in graded[:3])
    LINES.append(
        f"readability: {len(grades)} patient texts, Flesch-Kincaid median {statistics.median(grades):.1f}, "
        f"worst {worst}"
    )
    over = [f"{g:.1f} > {t.limit}: {t.kind} {t.where}: {t.text.get_text()}" for g, t in graded if g > t.limit]
    assert not over, "\n".join(over)


def _claims(ev: Evidence | StageEvidence, text: str) -> list[str]:
    """The grade words in `text` that `ev` does not allow (a negated one, "not proven", is allowed)."""
    lower, found = text.lower(), []
    allowed_benefit = ev.certainty in (Certainty.HIGH, Certainty.MODERATE) and ev.direction in SUPPORTING
    for phrase in (*GRADE_WORDS, *BENEFIT_WORDS):
        ok = ev.certainty is Certainty.HIGH if phrase in GRADE_WORDS else allowed_benefit
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", lower):
            if not ok and not NEGATED.search(lower[max(0, match.start() - 12) : match.start()]):
                found.append(phrase)
    return found


GRADED = [t for t in TEXTS if t.evidence is not None]


@pytest.mark.parametrize("item", GRADED, ids=[f"{t.where}:{t.kind}" for t in GRADED])
def test_words_claim_no_more_than_the_evidence_grade(item: PatientText):
    assert item.evidence is not None
    assert _claims(item.evidence, item.text.get_text()) == [], f"certainty {item.evidence.certainty.value}"


@pytest.mark.parametrize(
    ("certainty", "direction", "text", "flagged"),
    [
        ("moderate", "against", "We can say with high confidence that it does not help.", ["high confidence"]),
        ("moderate", "conditional", "Good studies show a small benefit.", ["good studies"]),
        ("low", "for", "It is effective for most people.", ["effective"]),
        ("moderate", "for", "It is effective for some people.", []),
        ("very_low", "against", "It is not proven to help, and it is unproven in pregnancy.", []),
        ("high", "for", "We have high confidence it helps.", []),
    ],
)
def test_the_grade_word_check_itself(certainty, direction, text, flagged):
    ev = KB.treatments[0].evidence
    ev = Evidence(Certainty(certainty), Direction(direction), ev.strength, ev.scope, ev.summary, ev.source_grades)
    assert _claims(ev, text) == flagged


ARTICLE = shingles.article()


def test_the_article_fingerprint_is_current():
    if not shingles.ARTICLE.exists():
        pytest.skip("the source article is not beside this checkout (CI): the committed fingerprint is used")
    assert set(shingles.shingles(shingles.ARTICLE.read_text())) == ARTICLE, "run python -m tests.knowledge.shingles"


ALL_TEXT = [
    *TEXTS,
    *(
        PatientText("clinician", f"treatments/{t.id}", t.evidence.clinician, 99)
        for t in KB.treatments
        if t.evidence.clinician
    ),
]


@pytest.mark.parametrize("item", ALL_TEXT, ids=[f"{t.where}:{t.kind}:{i}" for i, t in enumerate(ALL_TEXT)])
def test_no_run_of_eight_words_is_copied_from_the_article(item: PatientText):
    copied = [run for key, run in shingles.shingles(item.text.get_text()).items() if key in ARTICLE]
    assert copied == []


@pytest.mark.parametrize(
    ("text", "copied"),
    [
        ("Our note: walking a little each day keeps the back moving well.", True),  # 8 words in a row
        ("Walking a little each day keeps you supple.", False),  # 6 in a row, then different
        ("WALKING, a little each day: keeps the back moving!", True),  # case and punctuation do not hide it
    ],
)
def test_the_copy_check_finds_eight_words_in_a_row(text, copied):
    source = frozenset(shingles.shingles("Walking a little each day keeps the back moving well, our guide says."))
    assert any(key in source for key in shingles.shingles(text)) is copied
