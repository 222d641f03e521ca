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
MEDICINES = ("Medication", "Substance")


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
    medication = medication_of(request, bundle)
    return [_dict(medication.get("code"))] if medication else []


def medication_of(request: dict[str, Any], pool: Iterable[dict[str, Any]] = ()) -> dict[str, Any] | None:
    """The Medication a MedicationRequest's medicationReference points to (contained or in `pool`), or None."""
    return resolve(request.get("medicationReference"), [request], pool)


def resolve(
    ref: Any, containers: Iterable[dict[str, Any]], pool: Iterable[dict[str, Any]], types: tuple[str, ...] = MEDICINES
) -> dict[str, Any] | None:
    """The resource of one of `types` a Reference points to: '#id' among the containers' contained resources,
    else 'Type/id' (relative, absolute or versioned) in `pool`."""
    target = text(_dict(ref).get("reference")).strip()
    if target.startswith("#"):
        found = [_dict(r) for c in containers for r in _list(c.get("contained"))]
        return next((r for r in found if r.get("id") == target[1:] and r.get("resourceType") in types), None)
    parts = target.split("/_history/")[0].rstrip("/").split("/")
    if len(parts) < 2 or parts[-2] not in types:
        return None
    return next((r for r in pool if r.get("resourceType") == parts[-2] and r.get("id") == parts[-1]), None)


def ingredients(
    medication: dict[str, Any], containers: list[dict[str, Any]], pool: Iterable[dict[str, Any]], depth: int = 0
) -> list[dict[str, Any]]:
    """The CodeableConcepts of a Medication's active ingredients: item[x] as a concept (R4 itemCodeableConcept, R5
    item.concept) or a reference to a Substance or Medication (its code, else its own ingredients)."""
    pool = list(pool)
    out = []
    for ingredient in _list(medication.get("ingredient")):
        ingredient = _dict(ingredient)
        if ingredient.get("isActive") is False:  # an excipient
            continue
        item = _dict(ingredient.get("item"))
        concept = ingredient.get("itemCodeableConcept") or item.get("concept")
        if isinstance(concept, dict):
            out.append(concept)
            continue
        target = resolve(ingredient.get("itemReference") or item.get("reference"), [medication, *containers], pool)
        if target is None:
            named = text(_dict(ingredient.get("itemReference") or item.get("reference")).get("display"))
            out.append({"text": named} if named else {})
        elif codings(target.get("code")) or depth >= 2 or not target.get("ingredient"):
            out.append(_dict(target.get("code")))
        else:
            out.extend(ingredients(target, [target, *containers], pool, depth + 1))
    return out


def concept_texts(concept: Any) -> list[str]:
    """Every name a CodeableConcept gives: its text and the display of each coding, of any system."""
    concept = _dict(concept)
    found = [text(concept.get("text"))] + [text(_dict(c).get("display")) for c in _list(concept.get("coding"))]
    return [t.strip() for t in found if t.strip()]


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
