"""Active MedicationRequests -> medicine factors; the ones no code or name matches are kept by name, never dropped.

A medicine is recognised by any RxNorm coding of it (ingredient, clinical or branded drug, pack), else by the codes
of its Medication's ingredients, else - the last resort - by a drug or brand name in its text. A combination is
every medicine it contains; an ingredient (or a part of a combination's name) that matches nothing is reported."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, DrugRule, Finding

ENDED = {"stopped", "cancelled", "completed", "entered-in-error"}
# A combination as RxNorm names it: 'acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet'.
PARTS = re.compile(r"\s+/\s+")
COMPANIONS = re.compile(r"\b(?:inert ingredients|ferrous fumarate|naloxone|naltrexone)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Recognised:
    """What a MedicationRequest names: its medicines, the name to show, the RxNorm code matched ("" by name), how
    ("code", "ingredient" or "text"; "" when nothing matched) and the parts that matched nothing."""

    drugs: tuple[DrugRule, ...]
    label: str
    code: str = ""
    matched: str = ""
    unknown: tuple[str, ...] = ()


def read_medicines(
    meds: list[dict[str, Any]], pool: list[dict[str, Any]], codes: CodeMap, today: date
) -> tuple[tuple[Finding, ...], tuple[str, ...], tuple[str, ...]]:
    """(medicine factors, active medicines or parts of them not recognised, notes on recognised ones not used)."""
    out, unknown, notes = [], [], []
    for med in meds:
        if f.text(med.get("status")) in ENDED:
            continue
        found = recognise(med, codes, pool)
        if not found.drugs:
            unknown.append(medicine_name(med, pool))
            continue
        unknown.extend(f"{part} (in {found.label})" for part in found.unknown)
        since = f.parse_date(med.get("authoredOn"))
        for drug in found.drugs:
            if drug.factor is None:
                continue
            if drug.min_days and since is None:
                notes.append(f"{found.label}: no start date, not counted as taken for {drug.min_days}+ days")
            if drug.min_days and (since is None or (today - since).days < drug.min_days):
                continue
            out.append(Finding(drug.factor, found.label, found.code, f.reference(med), found.matched))
    findings = tuple({(x.target, x.source, x.label): x for x in out}.values())
    return findings, tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(notes))


def medicine_name(med: dict[str, Any], pool: Iterable[dict[str, Any]] = ()) -> str:
    """What a MedicationRequest names: its medicine's text, display or code ('RxNorm 617312'), else its reference."""
    for concept in f.medication_concepts(med, pool):
        coded = [(s, c) for s, c, _ in f.codings(concept)] + [("", f.label(concept))]
        system, code = coded[0]
        named = "RxNorm" if system.endswith(("rxnorm", ".6.88")) else system
        shown = (f.concept_texts(concept) or [f"{named} {code}".strip()])[0]
        if shown:
            return shown
    ref = med.get("medicationReference")
    shown = f.text(ref.get("display")) if isinstance(ref, dict) else ""
    return shown.strip() or f.reference(med) or "a medicine with no name or code"


def drug_of(med: dict[str, Any], codes: CodeMap, pool: Iterable[dict[str, Any]] = ()) -> tuple[DrugRule | None, str]:
    """The medicine of a MedicationRequest an order check is about (an NSAID first, then a medicine whose guideline
    stance is checked, then any), and its name; `pool` holds Medications a medicationReference may point to."""
    found = recognise(med, codes, pool)
    rank = lambda d: (  # noqa: E731
        d.treatment not in codes.nsaid_treatments,
        d.treatment not in codes.stance_treatments,
        d.treatment is None,
    )
    return (min(found.drugs, key=rank) if found.drugs else None), found.label if found.drugs else ""


def recognise(med: dict[str, Any], codes: CodeMap, pool: Iterable[dict[str, Any]] = ()) -> Recognised:
    """The medicines a MedicationRequest names: by its RxNorm codes, its Medication's ingredients, then its text."""
    pool = list(pool)
    medication = f.medication_of(med, pool) if not isinstance(med.get("medicationCodeableConcept"), dict) else None
    concept = med.get("medicationCodeableConcept") if medication is None else medication.get("code")
    ref = med.get("medicationReference")
    ref_name = f.text(ref.get("display")).strip() if isinstance(ref, dict) else ""
    drugs, code = _by_code(concept, codes)
    if drugs:
        return Recognised(drugs, _label(concept, codes, code, ref_name, drugs), code, "code")
    parts = f.ingredients(medication, [med], pool) if medication else []
    found: list[DrugRule] = []
    unknown, how, first = [], "ingredient", ""
    for part in parts:
        by_code, part_code = _by_code(part, codes)
        by_name = () if by_code else codes.drugs_named(" ; ".join(f.concept_texts(part)))
        how = how if by_code or not by_name else "text"
        first = first or part_code
        found += by_code or by_name
        if not (by_code or by_name):
            unknown.append(f.label(part) or "an ingredient with no name or code")
    if found:
        drugs = tuple(dict.fromkeys(found))
        return Recognised(drugs, _label(concept, codes, first, ref_name, drugs), first, how, tuple(unknown))
    texts = [*f.concept_texts(concept), *([ref_name] if ref_name else [])]
    drugs = tuple(dict.fromkeys(d for t in texts for d in codes.drugs_named(t)))
    if not drugs:
        return Recognised((), "")
    return Recognised(drugs, _label(concept, codes, "", ref_name, drugs), "", "text", _unnamed_parts(texts, codes))


def _by_code(concept: Any, codes: CodeMap) -> tuple[tuple[DrugRule, ...], str]:
    """The medicines of every RxNorm coding of a concept that the code map lists, and the first such code."""
    rxnorm = codes.systems["rxnorm"]
    hits = [(code, codes.drugs_for(code)) for system, code, _ in f.codings(concept, codes.system) if system == rxnorm]
    hits = [(code, drugs) for code, drugs in hits if drugs]
    return tuple(dict.fromkeys(d for _, drugs in hits for d in drugs)), (hits[0][0] if hits else "")


def _label(concept: Any, codes: CodeMap, code: str, ref_name: str, drugs: tuple[DrugRule, ...]) -> str:
    """The name to show: the record's text or display, else the listed display of the code, else the drug names."""
    listed = codes.drug_code(code) if code else None
    names = [*f.concept_texts(concept), ref_name, listed.display if listed else "", " / ".join(d.name for d in drugs)]
    return next(n for n in names if n)


def _unnamed_parts(texts: list[str], codes: CodeMap) -> tuple[str, ...]:
    """Parts of a combination's name (split as RxNorm names them, on ' / ') that name no known medicine."""
    parts = [p.strip() for t in texts[:1] for p in PARTS.split(t) if len(PARTS.split(t)) > 1]
    return tuple(p for p in parts if p and not codes.drugs_named(p) and not COMPANIONS.search(p))
