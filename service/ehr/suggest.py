"""Orders a card may propose where the guideline supports one: a physiotherapy referral, as a FHIR R4B resource."""

from __future__ import annotations

import uuid
from typing import Any

from service.ehr.cards import Context
from service.ehr.chart import Chart
from service.engine.results import Result


def referral_fits(ctx: Context, chart: Chart, result: Result) -> bool:
    """The referral's option is among this patient's recommendations (not excluded, not held, not a red flag), and
    the call names the patient (a ServiceRequest needs its subject)."""
    wanted = ctx.texts["referral"]["treatment"]
    return bool(chart.patient) and any(r.treatment.id == wanted for r in result.recommendations)


def referral(ctx: Context, chart: Chart) -> dict[str, Any]:
    """A draft ServiceRequest: physiotherapy for the patient's recorded sciatica, with the grade behind it."""
    texts = ctx.texts["referral"]
    evidence = ctx.kb.index["treatments"][texts["treatment"]].evidence
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "code": {"coding": [texts["coding"]], "text": texts["text"]},
        "note": [{"text": (evidence.clinician or evidence.summary).get_text(ctx.lang)}],
        "subject": {"reference": f"Patient/{chart.patient}"},
    }
    if chart.sciatica:
        first = chart.sciatica[0]
        resource["reasonCode"] = [{"text": first.label or first.code}]
        if first.source:
            resource["reasonReference"] = [{"reference": first.source}]
    return resource


def create(ctx: Context, chart: Chart, label: str, recommended: bool, *before: dict[str, Any]) -> dict[str, Any]:
    """A suggestion that creates the referral, after any `before` actions (deleting an order advised against)."""
    action = {"type": "create", "description": ctx.texts["referral"]["description"], "resource": referral(ctx, chart)}
    return {"label": label, "uuid": str(uuid.uuid4()), "isRecommended": recommended, "actions": [*before, action]}
