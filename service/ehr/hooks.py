"""The CDS services: discovery entries, and one answer per hook call from the same engine as /v1/recommendations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.cards import Context
from service.ehr.chart import PREFETCH_KEYS, Chart, read_chart, reconcile, to_report
from service.ehr.codes import CodeMap
from service.ehr.fetch import Fetched
from service.ehr.orders import classify, draft_orders, order_cards
from service.ehr.patient_view import patient_view_card
from service.engine.models import Report
from service.engine.results import Result

PATIENT = "{{context.patientId}}"
SAFER = (
    "What is neither sent nor fetched is read the safer way and said on every card: without `patient` the age is "
    "not known (read as possibly under 16 and over 65) and the patient handout links are in English (with it, in the "
    "Patient's preferred language from `communication` when the handouts have it); without `pregnancy` (or `medications` for patient-view) "
    "pregnancy (unless the patient is male) or any medicine cannot be ruled out. A key sent as null means the EHR "
    "found no data. Medicines are matched by any RxNorm code (ingredient, clinical or branded drug, pack), then "
    "by a referenced Medication's ingredients, then by name (cards list the active ones not recognised); problems "
    "by ICD-10-CM or SNOMED CT."
)
NEEDED = "`conditions` (and, for order hooks with a medicine or imaging order to check, `medications`)"
USAGE = (
    "Send the prefetch: this service does not call the EHR's FHIR server (fhirAuthorization is not used). Without "
    f"{NEEDED} it answers 412 Precondition Failed (application/problem+json, the detail naming the keys). " + SAFER
)
USAGE_FETCHING = (
    "Send the prefetch, or fhirServer and fhirAuthorization (a Bearer token): keys not prefetched are fetched from "
    "the EHR's FHIR server with that token, using only these prefetch queries and only from servers on this "
    "service's allow-list (https unless listed as http; short timeouts, a size cap, no redirects, next pages only "
    f"from the same server, a list cut short said on the cards). When {NEEDED} can be neither prefetched nor fetched "
    "(no fhirServer, a server not allowed, no or expired token, a timeout, 401, an answer too large or not FHIR JSON) "
    "it answers 412 Precondition Failed (application/problem+json, the detail naming the keys and why). " + SAFER
)
Fetch = Callable[[Sequence[str]], Fetched]  # prefetch keys -> what the EHR's FHIR server gave


def prefetch_templates(codes: CodeMap) -> dict[str, str]:
    loinc = codes.systems["loinc"]
    pregnancy = ",".join(f"{loinc}|{r.code}" for r in (*codes.pregnancy_status, *codes.gestational_age))
    return {
        "patient": f"Patient/{PATIENT}",
        "conditions": f"Condition?patient={PATIENT}&clinical-status=active",
        "medications": f"MedicationRequest?patient={PATIENT}&status=active",
        "pregnancy": f"Observation?patient={PATIENT}&code={pregnancy}&_sort=-date&_count=10",
    }


SERVICES: Mapping[str, Mapping[str, str]] = {
    "sciatica-patient-view": {
        "hook": "patient-view",
        "title": "Sciatica: evidence-graded plan and red-flag check",
        "description": (
            "For a patient with an active sciatica problem (ICD-10-CM M54.3x, M54.4x, M51.16/M51.17; SNOMED CT "
            "23056005): an info card with the options that fit their stage and recorded factors, graded by "
            "evidence, a red-flag screening reminder and a patient-information link; a critical or warning card "
            "instead when a red flag (coded, or implied by a problem) calls for assessment now, today or within 1 "
            "to 3 days. Every card says what the record did not tell and how it was read. No sciatica: no cards."
        ),
    },
    "sciatica-order-select": {
        "hook": "order-select",
        "title": "Sciatica: medicine and imaging order check (on select)",
        "description": (
            "Checks the selected draft orders: an NSAID that the knowledge base excludes for this patient "
            "(pregnancy from 20 weeks, anticoagulant, kidney disease, ...) gives a warning with a suggestion to "
            "remove it; a gabapentinoid, oral corticosteroid, benzodiazepine or opioid for sciatica gives the "
            "guideline stance; lumbar imaging in the first 6 weeks without red flags gives an info card."
        ),
    },
    "sciatica-order-sign": {
        "hook": "order-sign",
        "title": "Sciatica: medicine and imaging order check (before signing)",
        "description": "The same checks as sciatica-order-select, over every draft order, before signing.",
    },
}


# The prefetch keys each hook's answer depends on. Without FHIR fetching a call must carry them (else 412), whatever
# its orders: the document can then state them as required (service/api/document.py).
NEEDS = {"patient-view": ("conditions",), "order-select": ("conditions", "medications"),
         "order-sign": ("conditions", "medications")}  # fmt: skip


class PrefetchMissing(Exception):
    """The answer depends on data the EHR did not prefetch and that could not be fetched (`why`, per key; empty
    when fetching is off)."""

    def __init__(self, keys: tuple[str, ...], why: Mapping[str, str] | None = None) -> None:
        super().__init__(", ".join(keys))
        self.keys = keys
        self.why = dict(why or {})


def discovery(codes: CodeMap, fetching: bool = False) -> dict[str, Any]:
    """The discovery document: every service with its hook, prefetch templates and usage requirements."""
    templates, usage = prefetch_templates(codes), USAGE_FETCHING if fetching else USAGE
    return {
        "services": [
            {"id": sid, **spec, "prefetch": templates, "usageRequirements": usage} for sid, spec in SERVICES.items()
        ]
    }


def answer(
    service_id: str, body: Mapping[str, Any], ctx: Context, today: date, fetch: Fetch | None = None
) -> dict[str, Any]:
    """The cards for one hook call, fetching with `fetch` what was not prefetched; raises PrefetchMissing when
    required keys can be neither."""
    hook = SERVICES[service_id]["hook"]
    context, prefetch = body["context"], dict(body.get("prefetch") or {})
    if fetch is None and (lost := tuple(k for k in NEEDS[hook] if k not in prefetch)):
        raise PrefetchMissing(lost)
    patient_id = context.get("patientId")
    if hook == "patient-view":
        prefetch, notes = complete(prefetch, NEEDS[hook], fetch)
        chart = noted(read_chart(prefetch, patient_id, ctx.codes, today), notes)
        if not chart.sciatica:
            return {"cards": []}
        chart, _, result = evaluate(chart, ctx)
        return {"cards": [patient_view_card(ctx, chart, result)]}
    checked, others = draft_orders(context, selected_only=hook == "order-select")
    pool = f.resources(context.get("draftOrders"), "Medication")  # Medications the orders may reference
    orders = [o for o in (classify(r, ctx, pool) for r in checked) if o is not None]
    if not orders:
        return {"cards": []}
    prefetch, notes = complete(prefetch, NEEDS[hook], fetch)
    other_meds = [r for r in others + checked if r.get("resourceType") == "MedicationRequest"]
    cards = []
    for order in orders:
        extra = [m for m in other_meds if f"MedicationRequest/{m.get('id')}" != order.ref]  # the others count
        chart = noted(read_chart(prefetch, patient_id, ctx.codes, today, extra_meds=extra, pool=pool), notes)
        chart, report, result = evaluate(chart, ctx)
        cards += order_cards(ctx, [order], chart, report, result)
    return {"cards": cards}


def complete(
    prefetch: dict[str, Any], required: tuple[str, ...], fetch: Fetch | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The prefetch with every key the EHR did not send fetched where possible, and notes for the cards on what
    could not be fetched or came cut short; PrefetchMissing when a required key can be had neither way."""
    missing = [k for k in PREFETCH_KEYS if k not in prefetch]
    got = fetch(missing) if missing and fetch is not None else Fetched()
    prefetch = prefetch | got.data
    lost = tuple(k for k in required if k not in prefetch)
    if lost:
        raise PrefetchMissing(lost, {k: got.failed[k] for k in lost if k in got.failed})
    failed = (f"{k}: could not be fetched from the EHR ({why})" for k, why in got.failed.items())
    return prefetch, (*got.notes, *failed)


def noted(chart: Chart, notes: tuple[str, ...]) -> Chart:
    return replace(chart, notes=(*chart.notes, *notes)) if notes else chart


def evaluate(chart: Chart, ctx: Context) -> tuple[Chart, Report, Result]:
    """The engine's answer; record values the engine refuses as contradictory (a pregnancy at age 80, sciatica
    dated before birth) are read as not known first, and the chart says so."""
    report = to_report(chart)
    problems = ctx.engine.check(report)
    for _ in range(2):
        if not problems:
            break
        chart = reconcile(chart, (field.split(".")[0] for field, _ in problems))
        report = to_report(chart)
        problems = ctx.engine.check(report)
    if problems:  # the code maps are validated against the knowledge at start-up, so this is a bug
        raise ValueError(f"mapped report does not validate: {problems}")
    return chart, report, ctx.engine.recommend(report, ctx.lang)
