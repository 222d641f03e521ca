"""The recommendation answer for orjson: the hot-path twin of RecommendationSchema's dump (recommendations.py).

RecommendationSchema, beside this file, is the documented contract (the OpenAPI document is generated from it);
this writes the same JSON about 3x faster. Change both together: tests/api/test_present.py proves that this output, as JSON,
equals the schema's dump for every engine scenario, and schemathesis validates live responses against the schema.
Reasons and cautions go to orjson as the engine's frozen dataclasses: their fields, in order, are the documented
objects' (orjson writes dataclasses, tuples and enums natively, without a Python dict per item). What depends only
on a treatment or tip (its name, category, evidence grade, link) is prepared once per language with the catalog.
"""

from __future__ import annotations

from typing import Any, Protocol

from service.engine.models import KnowledgeBase, Stage
from service.engine.results import Result

PARTS = "recommendation-parts"


class Dumped(Protocol):
    """What the presenter reads: content dumped once per language (the app's catalog, service/web/catalog.py)."""

    kb: KnowledgeBase

    def data(self, name: str, lang: str) -> Any: ...


def parts(kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The per-item parts of the answer in `lang` (the catalog keeps one per language)."""
    return {
        "treatments": {
            t.id: {
                "name": t.name.get_text(lang),
                "category": t.category.value,
                "evidence": {  # by stage: an option's grade can differ by stage (opioids)
                    stage.value: {
                        "certainty": e.certainty.value,
                        "direction": e.direction.value,
                        "strength": e.strength.value,
                    }
                    for stage in Stage
                    for e in (t.evidence.at(stage),)
                },
                "link": f"/v1/treatments/{t.id}",
            }
            for t in kb.treatments
        },
        "tips": {t.id: {"title": t.title.get_text(lang), "text": t.text.get_text(lang)} for t in kb.tips},
    }


def present(result: Result, cat: Dumped, lang: str) -> dict[str, Any]:
    """The body of POST /v1/recommendations."""
    prepared = cat.data(PARTS, lang)
    treatments, tips = prepared["treatments"], prepared["tips"]
    disclaimers = {d["id"]: d for d in cat.data("disclaimers", lang)}
    triage = result.triage
    recommendations = []
    for r in result.recommendations:
        t = treatments[r.treatment.id]
        recommendations.append(
            {
                "treatment_id": r.treatment.id,
                "name": t["name"],
                "category": t["category"],
                "rank": r.rank,
                "reasons": r.reasons,
                "evidence": t["evidence"][result.stage.value],
                "cautions": r.cautions,
                "clinician_needed": r.clinician_needed,
                "link": t["link"],
            }
        )
    return {
        "triage": {"level": triage.level.value, "reasons": triage.reasons, "action": triage.action},
        "stage": result.stage.value,
        "stage_assumed": result.stage_assumed,
        "red_flags_screened": result.red_flags_screened,
        "red_flag_checklist": cat.data("red-flags", lang) if result.red_flag_checklist else [],
        "recommendations": recommendations,
        "excluded": [
            {
                "treatment_id": e.treatment.id,
                "name": treatments[e.treatment.id]["name"],
                "kind": e.kind,
                "reasons": e.reasons,
                "link": treatments[e.treatment.id]["link"],
            }
            for e in result.excluded
        ],
        "tips": [{"id": t.tip.id, **tips[t.tip.id], "cautions": t.cautions} for t in result.tips],
        "disclaimers": [disclaimers[d.id] for d in result.disclaimers],
        "trace": [{"rule": s.rule, "read": dict(s.read), "decision": s.decision} for s in result.trace],
        "unanswered": result.unanswered,
        "content_version": cat.kb.content_version,
    }
