"""Defensive readers of FHIR R4 JSON as an EHR sends it: anything malformed is skipped, never fatal."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from service.ehr.codes import Coding

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
INACTIVE = {"inactive", "resolved", "remission"}
NOT_REAL = {"refuted", "entered-in-error"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def patient_matches(resource: dict[str, Any], patient_id: str | None) -> bool:
    """False only when the resource names another patient (subject or patient reference)."""
    ref = text(_dict(resource.get("subject") or resource.get("patient")).get("reference"))
    if not ref or not patient_id:
        return True
    return ref == f"Patient/{patient_id}" or ref.endswith(f"/Patient/{patient_id}")


def resources(value: Any, resource_type: str, patient_id: str | None = None) -> list[dict[str, Any]]:
    """The `resource_type` resources in a prefetch value: one resource, a (searchset) Bundle, or null."""
    value = _dict(value)
    if value.get("resourceType") == "Bundle":
        found = [_dict(_dict(e).get("resource")) for e in _list(value.get("entry"))]
    else:
        found = [value]
    out = [r for r in found if r.get("resourceType") == resource_type]
    if resource_type == "Patient":
        return [r for r in out if not patient_id or r.get("id") in (None, patient_id)]
    return [r for r in out if patient_matches(r, patient_id)]


def codings(concept: Any, normalize: Callable[[str], str] = str.strip) -> list[Coding]:
    """(system, code, display) of a CodeableConcept's codings that have a system and a code."""
    out = []
    for c in _list(_dict(concept).get("coding")):
        c = _dict(c)
        system, code = text(c.get("system")), text(c.get("code"))
        if system and code:
            out.append((normalize(system), code.strip(), text(c.get("display"))))
    return out


def label(concept: Any) -> str:
    """A CodeableConcept's text, else its first display, else its first code."""
    concept = _dict(concept)
    found = [text(concept.get("text"))] + [
        text(_dict(c).get(k)) for c in _list(concept.get("coding")) for k in ("display", "code")
    ]
    return next((t for t in found if t.strip()), "")


def parse_date(value: Any) -> date | None:
    """The calendar date of a FHIR date, dateTime or instant (a year alone is read as 1 January)."""
    match = DATE.match(text(value))
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def status_code(concept: Any) -> str:
    """The first code of a status CodeableConcept (its system is fixed by FHIR, so it is not required)."""
    return next(
        (text(_dict(c).get("code")) for c in _list(_dict(concept).get("coding")) if text(_dict(c).get("code"))), ""
    )


def condition_active(cond: dict[str, Any]) -> bool:
    """Not resolved, abated, refuted or entered in error (a missing clinical status counts as active)."""
    if status_code(cond.get("clinicalStatus")) in INACTIVE or status_code(cond.get("verificationStatus")) in NOT_REAL:
        return False
    return not any(k.startswith("abatement") for k in cond)


def condition_start(cond: dict[str, Any]) -> tuple[date | None, str]:
    """When it started: onset (dateTime or Period.start), else the date it was recorded; and which one."""
    onset = parse_date(cond.get("onsetDateTime")) or parse_date(_dict(cond.get("onsetPeriod")).get("start"))
    if onset:
        return onset, "onset"
    recorded = parse_date(cond.get("recordedDate"))
    return recorded, "recorded" if recorded else ""


def medication_concepts(request: dict[str, Any], bundle: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """The medication CodeableConcept(s) of a MedicationRequest, following a contained or bundled Medication."""
    concept = request.get("medicationCodeableConcept")
    if isinstance(concept, dict):
        return [concept]
    ref = text(_dict(request.get("medicationReference")).get("reference"))
    if not ref:
        return []
    pool = [_dict(m) for m in _list(request.get("contained"))] if ref.startswith("#") else list(bundle)
    wanted = ref[1:] if ref.startswith("#") else ref.rsplit("/", 1)[-1]
    return [_dict(m.get("code")) for m in pool if m.get("resourceType") == "Medication" and m.get("id") == wanted]


def reference(resource: dict[str, Any]) -> str:
    """'Type/id' of a resource, or '' without an id."""
    rid = text(resource.get("id"))
    return f"{resource.get('resourceType')}/{rid}" if rid else ""


def quantity_weeks(obs: dict[str, Any]) -> float | None:
    """An Observation's value in weeks (valueQuantity in weeks or days, or a bare integer as weeks)."""
    if isinstance(obs.get("valueInteger"), int):
        return float(obs["valueInteger"])
    qty = _dict(obs.get("valueQuantity"))
    value = qty.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    unit = (text(qty.get("code")) or text(qty.get("unit"))).lower()
    if unit in ("d", "day", "days"):
        return value / 7
    return float(value) if unit in ("wk", "week", "weeks", "") else None


def observed_on(obs: dict[str, Any]) -> date | None:
    return (
        parse_date(obs.get("effectiveDateTime"))
        or parse_date(_dict(obs.get("effectivePeriod")).get("start"))
        or parse_date(obs.get("issued"))
    )
