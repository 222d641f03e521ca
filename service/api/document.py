"""What the OpenAPI document states from the loaded data: the ids a report may send, the prefetch a hook call needs,
the languages answers are written in.

The schemas say the shape; these closed sets come from the knowledge and the EHR code maps, so a client generated
from the document (and a fuzzer) knows every value the service accepts, and content changes show in the document.
"""

from __future__ import annotations

from typing import Any

from service.ehr.hooks import NEEDS, SERVICES
from service.ehr.lookup import MedicineIndex
from service.engine.models import FactorKind, KnowledgeBase

HOOK_REQUESTS = {"patient-view": "CdsPatientViewRequest", "order-select": "CdsOrderSelectRequest",
                 "order-sign": "CdsOrderSignRequest"}  # fmt: skip
WITHOUT_FETCHING = "without FHIR fetching (the default) these prefetch keys are required; else 412"


def vocabularies(kb: KnowledgeBase, medicines: MedicineIndex) -> dict[str, list[str]]:
    """Report field -> every value it accepts (medicines: class ids, then names, brands and RxNorm codes)."""
    factors = {kind: [f.id for f in kb.factors if f.kind is kind] for kind in FactorKind}
    names = sorted({found[0].name for found in medicines.named.values()} | set(medicines.codes))
    return {
        "red_flags": [r.id for r in kb.red_flags],
        "conditions": factors[FactorKind.CONDITION],
        "medications": [*factors[FactorKind.MEDICATION], *names],
        "avoid": factors[FactorKind.PREFERENCE],
        "tried": [*(t.id for t in kb.treatments), *sorted(kb.index["replaced"])],  # a replaced id is still read
    }


def state_vocabularies(doc: dict[str, Any], kb: KnowledgeBase, medicines: MedicineIndex) -> None:
    """Each id list of RecommendationRequest (and Tried.treatment_id) gets the enum of the ids that exist."""
    schemas = doc["components"]["schemas"]
    for field, values in vocabularies(kb, medicines).items():
        if field == "tried":
            schemas["Tried"]["properties"]["treatment_id"]["enum"] = values
        else:
            schemas["RecommendationRequest"]["properties"][field]["items"]["enum"] = values


def state_prefetch(doc: dict[str, Any]) -> None:
    """Each hook's request requires the prefetch keys its answer depends on (service.openapi.Profile drops this
    where the server fetches what was not prefetched)."""
    schemas = doc["components"]["schemas"]
    hooks = {spec["hook"] for spec in SERVICES.values()}
    for hook in sorted(hooks):
        keys = list(NEEDS[hook])
        schema = schemas[HOOK_REQUESTS[hook]]
        schema["allOf"] = [
            {
                "description": f"{WITHOUT_FETCHING}: {', '.join(keys)}.",
                "required": ["prefetch"],
                "properties": {"prefetch": {"required": keys}},
            }
        ]


def state_languages(doc: dict[str, Any], kb: KnowledgeBase) -> None:
    """Every `lang` query parameter gets the enum of the content's languages."""
    for item in doc["paths"].values():
        for operation in item.values():
            for param in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                if param.get("in") == "query" and param.get("name") == "lang":
                    bounds = ("minLength", "maxLength")  # the enum states them
                    schema = {k: v for k, v in param["schema"].items() if k not in bounds}
                    param["schema"] = schema | {"enum": list(kb.languages)}


def finisher(kb: KnowledgeBase, medicines: MedicineIndex) -> Any:
    """The document finisher for this knowledge and code map."""

    def finish(doc: dict[str, Any]) -> None:
        state_vocabularies(doc, kb, medicines)
        state_prefetch(doc)
        state_languages(doc, kb)

    return finish
