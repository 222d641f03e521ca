"""FHIR prefetch -> what the engine needs: sciatica, stage, age, pregnancy, condition and medicine factors, red flags.

What the record cannot tell (no birth date, no pregnancy or medicines prefetch) is None, "not known", which the
engine reads the safer way; records the service cannot date or recognise are kept (`notes`, `unrecognised`) so
the cards can say so, never dropped as if nothing were there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, CodeRule, Finding, first_match
from service.ehr.language import Preferred, preferred
from service.ehr.medicines import read_medicines
from service.ehr.pregnancy import pregnancy
from service.engine.models import Report

# The request ranges of /v1/recommendations (service.schemas.base.RANGES; a test keeps them equal).
RANGES = {"age": (0, 120), "symptom_duration_days": (0, 36500), "pregnancy_weeks": (0, 42)}

PREFETCH_KEYS = ("patient", "conditions", "medications", "pregnancy")


@dataclass(frozen=True)
class Chart:
    """The patient as the knowledge base sees them; None is "not known" (read the safer way by the engine).

    `missing`: prefetch keys the EHR did not send; `age_note`: why age is None; `unrecognised`: active medicines
    no code or name matched (not checked); `notes`: records that could not be dated or used as coded, and how
    they were read; `language`: for the patient handouts the cards link."""

    age: int | None = None
    age_note: str = "not recorded"
    sciatica: tuple[Finding, ...] = ()
    started: date | None = None
    started_from: str = ""
    symptom_days: int | None = None
    conditions: tuple[Finding, ...] = ()
    medications: tuple[Finding, ...] | None = None
    pregnant: bool | None = None
    pregnancy_weeks: int | None = None
    breastfeeding: bool | None = None
    red_flags: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    patient: str = ""  # the patient's id, for the orders a card proposes
    language: Preferred | None = None  # the patient's preferred language (None: none recorded or no Patient)


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
    male = f.text(patient.get("gender")) == "male"
    age, age_note = _age(patient.get("birthDate"), today)
    meds = f.resources(prefetch.get("medications"), "MedicationRequest", patient_id) + list(extra_meds)
    pool = f.resources(prefetch.get("medications"), "Medication") + list(pool)
    medications, unrecognised, med_notes = read_medicines(meds, pool, codes, today)
    preg = pregnancy(
        conditions,
        f.resources(prefetch.get("pregnancy"), "Observation", patient_id),
        codes,
        today,
        sent="pregnancy" in prefetch,
        male=male,
    )
    flags, flag_notes = _red_flags(_coded(conditions, codes.red_flags, codes), today)
    weeks = " (weeks not known)" if preg.weeks is None else ""
    notes = tuple(f"{u}: no date, read as pregnant{weeks}" for u in preg.undated)
    return Chart(
        age=age,
        age_note=age_note,
        sciatica=tuple(x for _, _, x in sciatica),
        started=started,
        started_from=started_from,
        symptom_days=_clamp((today - started).days, "symptom_duration_days") if started else None,
        conditions=tuple(x for _, _, x in _coded(conditions, codes.conditions, codes)),
        medications=medications if "medications" in prefetch else None,
        pregnant=preg.pregnant,
        pregnancy_weeks=preg.weeks,
        breastfeeding=False if male else None,  # not read from the record: not known unless recorded male
        red_flags=flags,
        missing=tuple(k for k in PREFETCH_KEYS if k not in prefetch),
        unrecognised=unrecognised,
        notes=notes + flag_notes + med_notes,
        patient=patient_id or f.text(patient.get("id")),
        language=preferred(patient),
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
        breastfeeding=chart.breastfeeding,
        conditions=unique(chart.conditions),
        medications=None if chart.medications is None else unique(chart.medications),
    )


def reconcile(chart: Chart, fields: Iterable[str]) -> Chart:
    """A chart whose report the engine accepts: of two record values that contradict each other (`fields`, as
    the engine names them), the duration, else the age, is read as not known (the safer reading) and said."""
    fields = set(fields)
    if "symptom_duration_days" in fields and chart.symptom_days is not None:
        note = f"sciatica dated {chart.started}, before the patient's birth: duration read as not known"
        return replace(chart, symptom_days=None, notes=(*chart.notes, note))
    if "age" in fields and chart.age is not None:
        what = "the recorded pregnancy" if chart.pregnant else "the record"
        return replace(chart, age=None, age_note=f"{chart.age} does not fit {what}")
    return chart


def _clamp(value: int, name: str) -> int | None:
    low, high = RANGES[name]
    return value if low <= value <= high else None


def _age(value: Any, today: date) -> tuple[int | None, str]:
    """(age, why it is None): no birth date, or one that cannot be read as a plausible age today."""
    if value is None:
        return None, "not recorded"
    born = f.parse_date(value)
    if born is None or born > today:
        return None, "not readable (birth date)"
    age = _clamp(today.year - born.year - ((today.month, today.day) < (born.month, born.day)), "age")
    return age, "" if age is not None else "not readable (birth date)"


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


def _red_flags(
    coded: list[tuple[dict[str, Any], CodeRule, Finding]], today: date
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Coded red flags; one that counts only when recent (max_age_days) and has no date is not counted, and said."""
    flags, notes = [], []
    for cond, rule, finding in coded:
        started = f.condition_start(cond)[0]
        if rule.max_age_days is None or (started is not None and (today - started).days <= rule.max_age_days):
            flags.append(finding)
        elif started is None:
            notes.append(f"{finding.label} ({finding.code}): no date, not counted as new")
    return tuple(flags), tuple(notes)
