"""The recommendation answer for orjson: the hot-path twin of RecommendationSchema's dump.

RecommendationSchema stays the documented contract; tests/api/test_present.py proves that this output, as JSON,
equals the schema's dump for every engine scenario, and schemathesis validates live responses against the schema.
Reasons and cautions go to orjson as the engine's frozen dataclasses: their fields, in order, are the documented
objects' (orjson writes dataclasses, tuples and enums natively, without a Python dict per item).
"""

from __future__ import annotations

from typing import Any

from service.api.catalog import Catalog
from service.engine.results import Result


def present(result: Result, cat: Catalog, lang: str) -> dict[str, Any]:
    """The body of POST /v1/recommendations."""
    disclaimers = {d["id"]: d for d in cat.data("disclaimers", lang)}
    triage = result.triage
    return {
        "triage": {
            "level": triage.level.value,
            "reasons": triage.reasons,
            "action": triage.action,
        },
        "stage": result.stage.value,
        "stage_assumed": result.stage_assumed,
        "red_flags_screened": result.red_flags_screened,
        "red_flag_checklist": cat.data("red-flags", lang) if result.red_flag_checklist else [],
        "recommendations": [
            {
                "treatment_id": r.treatment.id,
                "name": r.treatment.name.get_text(lang),
                "category": r.treatment.category.value,
                "rank": r.rank,
                "reasons": r.reasons,
                "evidence": {
                    "certainty": r.treatment.evidence.certainty.value,
                    "direction": r.treatment.evidence.direction.value,
                    "strength": r.treatment.evidence.strength.value,
                },
                "cautions": r.cautions,
                "clinician_needed": r.clinician_needed,
                "link": f"/v1/treatments/{r.treatment.id}",
            }
            for r in result.recommendations
        ],
        "excluded": [
            {
                "treatment_id": e.treatment.id,
                "name": e.treatment.name.get_text(lang),
                "reasons": e.reasons,
                "link": f"/v1/treatments/{e.treatment.id}",
            }
            for e in result.excluded
        ],
        "tips": [
            {
                "id": t.tip.id,
                "title": t.tip.title.get_text(lang),
                "text": t.tip.text.get_text(lang),
                "cautions": t.cautions,
            }
            for t in result.tips
        ],
        "disclaimers": [disclaimers[d.id] for d in result.disclaimers],
        "trace": [{"rule": s.rule, "read": dict(s.read), "decision": s.decision} for s in result.trace],
        "content_version": cat.kb.content_version,
    }
