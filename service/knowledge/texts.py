"""Every text the knowledge shows a person, with where it lives and the reading grade it must not exceed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from service.engine import models as m

PLAIN = 8  # Flesch-Kincaid grade for what a person reads first: summaries, tips, questions, reasons, actions
LONGER = 10  # for the longer explanations a person opens: details, evidence summaries, the condition's plan
GRADE_WORDS = (
    "high confidence",
    "good studies",
    "good evidence",
    "strong evidence",
    "proven",
    "proves",
    "clearly shows",
)
BENEFIT_WORDS = ("effective", "works")  # only where moderate or high certainty supports a benefit
# A reading grade needs a clause: a label of a few long words ("Complementary treatment") scores grade 20, so the
# handouts' shorter phrases, like the names of things, are not graded.
PHRASE_MIN_WORDS = 5


@dataclass(frozen=True)
class PatientText:
    kind: str  # summary, details, rule, question ...
    where: str  # file and record, e.g. treatments/nsaids
    text: m.Text
    limit: int  # highest Flesch-Kincaid grade allowed
    evidence: m.Evidence | m.StageEvidence | None = None  # the grade its words must not overstate


def patient_texts(kb: m.KnowledgeBase) -> Iterator[PatientText]:
    """The person-facing texts of `kb`, in file order (texts with no wording, None, are skipped)."""
    shared = {id(g.reason) for g in kb.group_rules} | {id(c.taking_reason) for c in kb.drug_classes}
    for t in kb.treatments:
        yield from _treatment(t, shared)
    for tip in kb.tips:
        where = f"tips/{tip.id}"
        yield from _some(
            ("tip", where, tip.text, PLAIN, tip.evidence),
            ("evidence", where, tip.evidence.summary, LONGER, tip.evidence),
        )
        yield from (PatientText("rule", f"{where}/{r.factor}", r.reason, PLAIN) for r in tip.rules)
    for flag in kb.red_flags:
        yield from (PatientText("question", f"red_flags/{flag.id}", q, PLAIN) for q in flag.questions)
        yield PatientText("meaning", f"red_flags/{flag.id}", flag.meaning, PLAIN)
    yield from (PatientText("action", f"triage/{a.level.value}", a.action, PLAIN) for a in kb.triage_actions)
    yield from (PatientText("disclaimer", f"disclaimers/{d.id}", d.text, PLAIN) for d in kb.disclaimers)
    for q in kb.questions:
        yield from _some(
            ("prompt", f"questionnaire/{q.id}", q.prompt, PLAIN), ("help", f"questionnaire/{q.id}", q.help, PLAIN)
        )
    yield from (PatientText("message", f"messages/{x.id.value}", x.text, PLAIN) for x in kb.messages)
    for c in kb.combinations:
        where = f"medicine_combinations/{c.id}"
        yield from _some(("combination", where, c.reason, PLAIN), ("next_step", where, c.next_step, PLAIN))
    for d in kb.drug_classes:
        where = f"drug_classes/{d.id}"
        yield from _some(("class", where, d.reaction_reason, PLAIN), ("class", where, d.taking_reason, PLAIN))
    yield from (PatientText("rule", f"group_rules/{g.id}", g.reason, PLAIN) for g in kb.group_rules)
    cond = kb.condition
    yield from _some(
        ("condition", "condition/summary", cond.summary, PLAIN),
        ("condition", "condition/plan", cond.integrative_plan, LONGER),
    )
    yield from (PatientText("condition", "condition/causes", x, PLAIN) for x in cond.causes)
    yield from (PatientText("condition", "condition/stages", b.description, PLAIN) for b in cond.stages)
    for p in kb.phrases:
        if len(p.text[m.DEFAULT_LANGUAGE].split()) >= PHRASE_MIN_WORDS:
            yield PatientText("phrase", f"phrases/{p.id}", p.text, PLAIN)


def _treatment(t: m.Treatment, shared: set[int]) -> Iterator[PatientText]:
    """A treatment's texts; the rules it shares with others (group rules, drug classes) are listed where written."""
    where, ev = f"treatments/{t.id}", t.evidence
    yield from _some(
        ("summary", where, t.summary, PLAIN, ev),
        ("details", where, t.details, LONGER, ev),
        ("evidence", where, ev.summary, LONGER, ev),
        ("stance", where, ev.stance, PLAIN, ev),
        ("access_notes", where, t.access_notes, PLAIN),
        ("time_to_benefit", where, t.time_to_benefit, PLAIN, ev),
        *(("involves", where, x, PLAIN) for x in t.involves),
    )
    for e in ev.by_stage:
        stages = "+".join(s.value for s in e.stages)
        yield from _some(
            ("evidence", f"{where}/{stages}", e.summary, LONGER, e), ("stance", f"{where}/{stages}", e.stance, PLAIN, e)
        )
    for x in t.exercises:
        here = f"{where}/{x.id}"
        yield from _some(
            ("dose", here, x.dose, PLAIN),
            ("stop_if", here, x.stop_if, PLAIN),
            ("illustration_alt", here, x.illustration_alt, PLAIN),
            *(("step", here, s, PLAIN) for s in x.steps),
        )
    yield from (
        PatientText("rule", f"{where}/{r.factor}", r.reason, PLAIN) for r in t.rules if id(r.reason) not in shared
    )
    if t.criteria is not None:
        yield PatientText("criteria", where, t.criteria.text, PLAIN)


def _some(*entries: tuple[Any, ...]) -> Iterator[PatientText]:
    return (PatientText(*e) for e in entries if e[2] is not None)
