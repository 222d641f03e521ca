"""Active MedicationRequests -> medicine factors; the ones no code or name matches are kept by name, never dropped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, DrugRule, Finding

ENDED = {"stopped", "cancelled", "completed", "entered-in-error"}


def read_medicines(
    meds: list[dict[str, Any]], pool: list[dict[str, Any]], codes: CodeMap, today: date
) -> tuple[tuple[Finding, ...], tuple[str, ...], tuple[str, ...]]:
    """(medicine factors, active medicines not recognised, notes on recognised ones that could not be used)."""
    out, unknown, notes = [], [], []
    for med in meds:
        if f.text(med.get("status")) in ENDED:
            continue
        drug, shown = drug_of(med, codes, pool)
        if drug is None:
            unknown.append(medicine_name(med, pool))
            continue
        if drug.factor is None:
            continue
        since = f.parse_date(med.get("authoredOn"))
        if drug.min_days and since is None:
            notes.append(f"{shown or drug.name}: no start date, not counted as taken for {drug.min_days}+ days")
        if drug.min_days and (since is None or (today - since).days < drug.min_days):
            continue
        out.append(Finding(drug.factor, shown, drug.rxnorm, f.reference(med)))
    return tuple(out), tuple(dict.fromkeys(unknown)), tuple(notes)


def medicine_name(med: dict[str, Any], pool: Iterable[dict[str, Any]] = ()) -> str:
    """What a MedicationRequest names: its medicine's text, display or code, else its reference."""
    for concept in f.medication_concepts(med, pool):
        if f.label(concept).strip():
            return f.label(concept).strip()
    ref = med.get("medicationReference")
    shown = f.text(ref.get("display")) if isinstance(ref, dict) else ""
    return shown.strip() or f.reference(med) or "a medicine with no name or code"


def drug_of(med: dict[str, Any], codes: CodeMap, pool: Iterable[dict[str, Any]] = ()) -> tuple[DrugRule | None, str]:
    """The drug rule of a MedicationRequest (by RxNorm ingredient code, else by ingredient name in its text);
    `pool` holds Medication resources a medicationReference may point to."""
    rxnorm = codes.systems["rxnorm"]
    for concept in f.medication_concepts(med, pool):
        shown = f.label(concept)
        for system, code, _ in f.codings(concept, codes.system):
            drug = codes.drug(code) if system == rxnorm else None
            if drug:
                return drug, shown
        named = codes.drug_named(" ".join([shown] + [d for _, _, d in f.codings(concept)]))
        if named:
            return named, shown
    return None, ""
