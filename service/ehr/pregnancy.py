"""Pregnancy from FHIR: ICD-10-CM/SNOMED problems (Z3A weeks codes) and LOINC status and gestational-age Observations."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, first_match

MAX_WEEKS = 42  # the engine's pregnancy_weeks range (service.schemas.base.RANGES)
PREGNANCY_OVER_WEEKS = 44


def pregnancy(
    conditions: list[dict[str, Any]], observations: list[dict[str, Any]], codes: CodeMap, today: date
) -> tuple[bool, int | None]:
    """(pregnant, weeks today): the latest pregnancy evidence within max_age_days wins."""
    evidence: list[tuple[date, bool, float | None]] = []
    for cond in conditions:
        hit = first_match(codes.pregnancy_conditions, f.codings(cond.get("code"), codes.system))
        when = f.condition_start(cond)[0]
        if hit and when:
            weeks = _weeks_from_code(hit[1][1]) if hit[0].weeks_from_code else None
            evidence.append((when, True, weeks))
    for obs in observations:
        when, codings = f.observed_on(obs), f.codings(obs.get("code"), codes.system)
        if when is None or f.text(obs.get("status")) == "entered-in-error":
            continue
        if first_match(codes.gestational_age, codings):
            evidence.append((when, True, f.quantity_weeks(obs)))
        elif first_match(codes.pregnancy_status, codings):
            value = first_match(codes.pregnancy_values, f.codings(obs.get("valueCodeableConcept"), codes.system))
            if value:
                evidence.append((when, bool(value[0].target), None))
    recent = sorted(
        (e for e in evidence if 0 <= (today - e[0]).days <= codes.pregnancy_max_age_days), key=lambda e: e[0]
    )
    if not recent or not recent[-1][1]:
        return False, None
    dated = [(when, weeks) for when, pregnant, weeks in recent if pregnant and weeks is not None]
    if not dated:
        return True, None
    when, weeks = dated[-1]
    now = int(weeks + (today - when).days / 7)
    return (False, None) if now > PREGNANCY_OVER_WEEKS else (True, min(now, MAX_WEEKS))


def _weeks_from_code(code: str) -> float | None:
    """Z3A.NN: NN weeks for 08-42; Z3A.01 ('less than 8 weeks') as 7; Z3A.49 ('over 42') as 42."""
    digits = code.split(".")[-1]
    if not digits.isdigit():
        return None
    n = int(digits)
    return {1: 7.0, 49: 42.0}.get(n, float(n) if 8 <= n <= 42 else None)
