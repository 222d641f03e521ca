"""FHIR prefetch -> what the engine needs: sciatica, stage, age, pregnancy, condition and medicine factors, red flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, CodeRule, DrugRule, first_match
from service.ehr.pregnancy import pregnancy
from service.engine.models import Report

# The request ranges of /v1/recommendations (service.schemas.base.RANGES; a test keeps them equal).
RANGES = {"age": (0, 120), "symptom_duration_days": (0, 36500), "pregnancy_weeks": (0, 42)}

PREFETCH_KEYS = ("patient", "conditions", "medications", "pregnancy")
ENDED = {"stopped", "cancelled", "completed", "entered-in-error"}


@dataclass(frozen=True)
class Finding:
    """A coded item of the record that maps to a knowledge id (factor, red flag, treatment, ...)."""

    target: str
    label: str
    code: str
    source: str


@dataclass(frozen=True)
class Chart:
    """The patient as the knowledge base sees them; `missing` lists prefetch keys the EHR did not send."""

    age: int | None = None
    sciatica: tuple[Finding, ...] = ()
    started: date | None = None
    started_from: str = ""
    symptom_days: int | None = None
    conditions: tuple[Finding, ...] = ()
    medications: tuple[Finding, ...] = ()
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    red_flags: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()


def read_chart(
    prefetch: Mapping[str, Any],
    patient_id: str | None,
    codes: CodeMap,
    today: date,
    extra_meds: Iterable[dict[str, Any]] = (),
    pool: Iterable[dict[str, Any]] = (),
) -> Chart:
    """Read the prefetched resources (and any other draft medicine orders, with the Medications of `pool`)."""
    conditions = [c for c in f.resources(prefetch.get("conditions"), "Condition", patient_id) if f.condition_active(c)]
    sciatica = _coded(conditions, codes.sciatica, codes)
    starts = [(when, source) for when, source in (f.condition_start(c) for c, _, _ in sciatica) if when is not None]
    started, started_from = min(starts) if starts else (None, "")
    patient = next(iter(f.resources(prefetch.get("patient"), "Patient", patient_id)), {})
    meds = f.resources(prefetch.get("medications"), "MedicationRequest", patient_id) + list(extra_meds)
    pool = f.resources(prefetch.get("medications"), "Medication") + list(pool)
    pregnant, weeks = pregnancy(
        conditions, f.resources(prefetch.get("pregnancy"), "Observation", patient_id), codes, today
    )
    return Chart(
        age=_age(f.parse_date(patient.get("birthDate")), today),
        sciatica=tuple(x for _, _, x in sciatica),
        started=started,
        started_from=started_from,
        symptom_days=_clamp((today - started).days, "symptom_duration_days") if started else None,
        conditions=tuple(x for _, _, x in _coded(conditions, codes.conditions, codes)),
        medications=_medications(meds, pool, codes, today),
        pregnant=pregnant,
        pregnancy_weeks=weeks,
        red_flags=tuple(x for c, r, x in _coded(conditions, codes.red_flags, codes) if _recent(c, r, today)),
        missing=tuple(k for k in PREFETCH_KEYS if k not in prefetch),
    )


def to_report(chart: Chart) -> Report:
    """The engine's input. Nothing says the red-flag questions were asked, so red_flags_screened stays False."""
    unique = lambda items: tuple(dict.fromkeys(x.target for x in items))  # noqa: E731
    return Report(
        age=chart.age,
        symptom_duration_days=chart.symptom_days,
        red_flags=unique(chart.red_flags),
        pregnant=chart.pregnant,
        pregnancy_weeks=chart.pregnancy_weeks if chart.pregnant else None,
        conditions=unique(chart.conditions),
        medications=unique(chart.medications),
    )


def _clamp(value: int, name: str) -> int | None:
    low, high = RANGES[name]
    return value if low <= value <= high else None


def _age(born: date | None, today: date) -> int | None:
    if born is None or born > today:
        return None
    return _clamp(today.year - born.year - ((today.month, today.day) < (born.month, born.day)), "age")


def _coded(
    conditions: list[dict[str, Any]], rules: tuple[CodeRule, ...], codes: CodeMap
) -> list[tuple[dict[str, Any], CodeRule, Finding]]:
    """(condition, rule, finding) for each condition that one of `rules` matches."""
    out = []
    for cond in conditions:
        hit = first_match(rules, f.codings(cond.get("code"), codes.system))
        if hit:
            rule, (_, code, display) = hit
            target = rule.target if isinstance(rule.target, str) else "sciatica"
            out.append((cond, rule, Finding(target, display or rule.display, code, f.reference(cond))))
    return out


def _recent(cond: dict[str, Any], rule: CodeRule, today: date) -> bool:
    if rule.max_age_days is None:
        return True
    started = f.condition_start(cond)[0]
    return started is not None and (today - started).days <= rule.max_age_days


def _medications(
    meds: list[dict[str, Any]], pool: list[dict[str, Any]], codes: CodeMap, today: date
) -> tuple[Finding, ...]:
    out = []
    for med in meds:
        if f.text(med.get("status")) in ENDED:
            continue
        drug, shown = drug_of(med, codes, pool)
        if drug is None or drug.factor is None:
            continue
        since = f.parse_date(med.get("authoredOn"))
        if drug.min_days and (since is None or (today - since).days < drug.min_days):
            continue
        out.append(Finding(drug.factor, shown, drug.rxnorm, f.reference(med)))
    return tuple(out)


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
