"""Invariants over the shipped content: complete, graded, sourced, and covering the source article."""

import re
from datetime import date

import pytest

from service.engine.models import Category, Direction, FactorKind, Stage, Urgency
from service.knowledge import load_knowledge
from tests.names import mentions

KB = load_knowledge()
GRADED = [pytest.param(item, id=item.id) for item in (*KB.treatments, *KB.tips)]

# What the source article covers, and what a clinician expects next to it (issue 2).
REQUIRED_TREATMENTS = {
    "staying-active",
    "bed-rest",
    "stretching-exercises",
    "strengthening-exercises",
    "physical-therapy",
    "mckenzie-method",
    "massage",
    "spinal-manipulation",
    "spinal-traction",
    "heat",
    "cold",
    "acupuncture",
    "cannabinoids",
    "ginkgo-biloba",
    "saffron",
    "nsaids",
    "aspirin",
    "paracetamol",
    "muscle-relaxants",
    "pregabalin",
    "topiramate",
    "gabapentin",
    "antidepressants",
    "oral-corticosteroids",
    "opioids",
    "benzodiazepines",
    "epidural-steroid-injection",
    "discectomy",
    "laminectomy",
    "spinal-fusion",
    "tens-and-passive-modalities",
}
ARTICLE_TIPS = {
    "stay-active-walking",
    "gentle-stretches",
    "avoid-long-sitting-or-lying",
    "heat-packs",
    "cold-packs",
    "get-new-leg-symptoms-checked",
    "see-clinician-if-not-improving",
}
ARTICLE_SOURCES = {"S43", "S15", "S3", "S16", "S14", "S44"}

# Stances of clinical-evidence.md §9, the reference's summary table.
STANCES = {
    "staying-active": Direction.FOR,
    "bed-rest": Direction.AGAINST,
    "spinal-traction": Direction.AGAINST,
    "acupuncture": Direction.CONFLICTING,
    "tens-and-passive-modalities": Direction.AGAINST,
    "nsaids": Direction.CONFLICTING,
    "paracetamol": Direction.AGAINST,
    "pregabalin": Direction.AGAINST,
    "gabapentin": Direction.AGAINST,
    "topiramate": Direction.AGAINST,
    "oral-corticosteroids": Direction.AGAINST,
    "benzodiazepines": Direction.AGAINST,
    "epidural-steroid-injection": Direction.CONDITIONAL,
    "discectomy": Direction.CONDITIONAL,
    "stretching-exercises": Direction.CONDITIONAL,
    "physical-therapy": Direction.CONDITIONAL,
    "spinal-manipulation": Direction.CONDITIONAL,
    "massage": Direction.CONDITIONAL,
    "cannabinoids": Direction.NO_RECOMMENDATION,
    "ginkgo-biloba": Direction.NO_RECOMMENDATION,
}
STAGE_STANCES = {  # where the reference grades an option differently by stage (§2.19 opioids, §2.8 heat and cold)
    ("opioids", "acute"): Direction.NO_RECOMMENDATION,
    ("opioids", "subacute"): Direction.NO_RECOMMENDATION,
    ("opioids", "chronic"): Direction.AGAINST,
    ("heat", "acute"): Direction.CONDITIONAL,
    ("cold", "acute"): Direction.CONDITIONAL,
}
SAFETY_RULES = [  # (treatment, factor) pairs that must exclude
    ("nsaids", "pregnant-20-weeks"),
    ("aspirin", "pregnant-20-weeks"),
    ("aspirin", "age-under-16"),
    ("nsaids", "kidney-disease"),
    ("nsaids", "stomach-ulcer-or-gi-bleed"),
    ("nsaids", "anticoagulant"),
    ("nsaids", "aspirin-sensitive-asthma"),
    ("nsaids", "bleeding-disorder"),
    ("ginkgo-biloba", "anticoagulant"),
    ("topiramate", "pregnant"),
    ("opioids", "age-under-12"),
    ("opioids", "breastfeeding"),
    ("cannabinoids", "psychosis-history"),
    ("cannabinoids", "cannabis-prohibited"),
    ("spinal-manipulation", "spinal-instability-or-bone-disease"),
    ("acupuncture", "bleeding-disorder"),
]


def test_every_required_treatment_is_present():
    assert set(KB.index["treatments"]) >= REQUIRED_TREATMENTS


def test_the_article_tips_are_present_and_marked():
    assert {t.id for t in KB.tips if t.from_article} == ARTICLE_TIPS


def test_the_article_sources_are_cited_somewhere():
    cited = {s for item in (*KB.treatments, *KB.tips) for s in item.sources} | set(KB.condition.sources)
    assert cited >= ARTICLE_SOURCES


@pytest.mark.parametrize("item", GRADED)
def test_graded_item_is_complete(item):
    ev = item.evidence
    assert ev.certainty and ev.direction and ev.strength and ev.scope and ev.summary.get_text()
    assert ev.source_grades and item.sources
    assert all(g.grade.strip() for g in ev.source_grades)
    assert item.next_review_due > item.last_reviewed


@pytest.mark.parametrize("treatment_id, direction", STANCES.items())
def test_stance_matches_the_reference(treatment_id, direction):
    assert KB.index["treatments"][treatment_id].evidence.direction is direction


@pytest.mark.parametrize("treatment_id, stage, direction", [(t, s, d) for (t, s), d in STAGE_STANCES.items()])
def test_stance_by_stage_matches_the_reference(treatment_id, stage, direction):
    assert KB.index["treatments"][treatment_id].evidence.at(Stage(stage)).direction is direction


def test_cold_is_graded_apart_from_heat():
    heat, cold = (KB.index["treatments"][t] for t in ("heat", "cold"))
    assert cold.evidence.certainty.value == "very_low" and heat.evidence.certainty.value != "very_low"
    assert cold.stages == (Stage.ACUTE,) and Stage.SUBACUTE in heat.stages


@pytest.mark.parametrize("treatment_id, factor", SAFETY_RULES)
def test_safety_rule_excludes(treatment_id, factor):
    levels = {r.level.value for r in KB.index["treatments"][treatment_id].rules if r.factor == factor}
    assert "exclude" in levels


def test_exercise_items_name_their_exercises():
    for t in KB.treatments:
        if t.id in ("stretching-exercises", "strengthening-exercises"):
            assert len(t.exercises) >= 4
            assert all(len(e.steps) >= 2 and e.dose and e.stop_if for e in t.exercises)


def test_medicines_have_rxnorm_coded_examples():
    for t in KB.treatments:
        if t.category is Category.MEDICATION and t.drugs:
            assert all(re.fullmatch(r"\d+", d.rxnorm) for d in t.drugs)


@pytest.mark.parametrize("source", KB.sources, ids=[s.id for s in KB.sources])
def test_sources_have_an_identifier_or_say_they_are_unverified(source):
    """A source we read at its publisher has its DOI, PMID or URL; one seen only in copies may lack it (we never
    make one up), and then it is marked unverified and counts so in every answer's rule."""
    assert source.doi or source.pmid or source.url or not source.verified


def test_cauda_equina_flags_are_emergencies():
    cauda = ("bladder-dysfunction", "bowel-dysfunction", "saddle-numbness", "sciatica-both-legs", "sexual-dysfunction")
    assert all(KB.index["red_flags"][f].urgency is Urgency.EMERGENCY for f in cauda)


def test_every_request_vocabulary_exists():
    kinds = {f.kind for f in KB.factors}
    assert {FactorKind.CONDITION, FactorKind.MEDICATION, FactorKind.PREFERENCE, FactorKind.JURISDICTION} <= kinds


def test_condition_codes_cover_the_sciatica_family():
    codes = {c.code for c in KB.condition.codes}
    assert {"M54.30", "M54.31", "M54.32", "M54.40", "M54.41", "M54.42", "M51.16", "M51.17", "23056005"} <= codes


def test_no_content_is_past_its_review_date():
    """Stale content blocks the build: every reviewed item is still within its review period."""
    dated = [*KB.treatments, *KB.tips]
    overdue = sorted(item.id for item in dated if item.next_review_due <= date.today())
    if KB.condition.next_review_due <= date.today():
        overdue.append("condition")
    assert not overdue, f"past next_review_due: {overdue}"


STEERING = re.compile(r"\b(instead|usual choice|try|choose|switch to|better|use)\b", re.IGNORECASE)


def _rule_texts():
    for t in KB.treatments:
        for r in t.rules:
            yield t.id, r.reason.get_text()
    for tip in KB.tips:
        yield tip.id, f"{tip.title.get_text()}. {tip.text.get_text()}"
        for r in tip.rules:
            yield tip.id, r.reason.get_text()
    for c in KB.combinations:
        yield c.id, f"{c.reason.get_text()} {c.next_step.get_text()}"
    for c in KB.drug_classes:
        yield c.id, " ".join(x.get_text() for x in (c.reaction_reason, c.taking_reason) if x)


@pytest.mark.parametrize("owner, text", list(_rule_texts()), ids=lambda v: v if len(v) < 40 else None)
def test_no_caution_or_tip_steers_to_another_option(owner, text):
    """A caution or tip never points to another option as the choice: the same answer may exclude it."""
    for other in KB.treatments:
        if other.id == owner:
            continue
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if mentions(other).search(sentence):
                assert not STEERING.search(sentence), f"steers to {other.id}: {sentence!r}"
