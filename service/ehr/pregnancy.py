"""Pregnancy from FHIR: ICD-10-CM/SNOMED problems (Z3A weeks codes) and LOINC status and gestational-age Observations.

Dated evidence: the latest within max_age_days wins. Undated evidence of a pregnancy (an active problem, a
gestational age, a "pregnant" status) cannot be placed in time, so it is read the safer way: pregnant, with the
weeks of the dated evidence when it says pregnant with weeks, else weeks not known (the weeks of an undated record
cannot be brought to today). An undated "not pregnant" status is not evidence of anything. With no evidence, pregnancy is unknown (None)
when the EHR did not send the `pregnancy` prefetch, unless the patient is recorded as male; when it did, no
positive evidence means not pregnant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.codes import CodeMap, first_match

MAX_WEEKS = 42  # the engine's pregnancy_weeks range (service.schemas.base.RANGES)
PREGNANCY_OVER_WEEKS = 44


@dataclass(frozen=True)
class Pregnancy:
    """What the record says: pregnant (None: not known), weeks today, and the undated records read as pregnant."""

    pregnant: bool | None
    weeks: int | None = None
    undated: tuple[str, ...] = ()


def pregnancy(
    conditions: list[dict[str, Any]],
    observations: list[dict[str, Any]],
    codes: CodeMap,
    today: date,
    sent: bool = True,
    male: bool = False,
) -> Pregnancy:
    """The pregnancy the record shows; `sent`: the pregnancy prefetch was sent; `male`: Patient.gender is male."""
    evidence: list[tuple[date, bool, float | None]] = []
    undated: list[str] = []
    for cond in conditions:
        hit = first_match(codes.pregnancy_conditions, f.codings(cond.get("code"), codes.system))
        if not hit:
            continue
        when = f.condition_start(cond)[0]
        if when is None:
            undated.append(f"{f.label(cond.get('code')) or hit[0].display} ({hit[1][1]})")
            continue
        weeks = _weeks_from_code(hit[1][1]) if hit[0].weeks_from_code else None
        evidence.append((when, True, weeks))
    for obs in observations:
        if f.text(obs.get("status")) == "entered-in-error":
            continue
        when, codings = f.observed_on(obs), f.codings(obs.get("code"), codes.system)
        found: tuple[bool, float | None] | None = None
        if first_match(codes.gestational_age, codings):
            found = (True, f.quantity_weeks(obs))
        elif first_match(codes.pregnancy_status, codings):
            value = first_match(codes.pregnancy_values, f.codings(obs.get("valueCodeableConcept"), codes.system))
            found = (bool(value[0].target), None) if value else None
        if found is None or (when is None and not found[0]):
            continue  # not about pregnancy, or an undated "not pregnant": no evidence either way
        if when is None:
            undated.append(f.label(obs.get("code")) or "pregnancy observation")
        else:
            evidence.append((when, found[0], found[1]))
    dated = _dated(evidence, codes, today)
    if undated:  # pregnant, whatever the dated evidence says; its weeks when it says pregnant with weeks
        return Pregnancy(True, dated[1] if dated and dated[0] else None, tuple(undated))
    if dated is not None:
        return Pregnancy(*dated)
    return Pregnancy(None if not sent and not male else False)


def _dated(
    evidence: list[tuple[date, bool, float | None]], codes: CodeMap, today: date
) -> tuple[bool, int | None] | None:
    """(pregnant, weeks today) from the latest dated evidence within max_age_days; None without any."""
    recent = sorted(
        (e for e in evidence if 0 <= (today - e[0]).days <= codes.pregnancy_max_age_days), key=lambda e: e[0]
    )
    if not recent:
        return None
    if not recent[-1][1]:
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
