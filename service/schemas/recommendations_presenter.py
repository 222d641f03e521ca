"""The recommendation answer for orjson: the hot-path twin of RecommendationSchema's dump (recommendations.py).

RecommendationSchema, beside this file, is the documented contract (the OpenAPI document is generated from it);
this writes the same JSON several times faster. Change both together: tests/api/test_present.py proves that this
output, as JSON, equals the schema's dump for every engine scenario, and schemathesis validates live responses against
the schema. Reasons, cautions and trace steps go to orjson as the engine's dataclasses: their fields, in order, are the
documented objects' (orjson writes dataclasses, tuples and enums natively, without a Python dict per item). What
depends only on a treatment or tip (its name, category, evidence grade, link) is prepared once per language, and so is
the JSON of every recommendation and exclusion the engine shares between answers (each situation's ranking and
excluded options, service/engine/prepared.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import orjson

from service.engine import Engine
from service.engine.models import KnowledgeBase, Stage
from service.engine.prepared import Prepared
from service.engine.results import Excluded, Recommended, Result

ANY_STAGE = ""  # an exclusion reads the same at every stage
# id(item) -> (the item, the stage it was written for, its JSON); the table holds every item it names, so no other
# object can have that id while it lives
Written = Mapping[int, tuple[object, str, orjson.Fragment]]


class Dumped(Protocol):
    """What the presenter reads: content dumped once per language (the app's catalog, service/web/catalog.py)."""

    kb: KnowledgeBase

    def data(self, name: str, lang: str) -> Any: ...


def parts(kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The per-item parts of the answer in `lang`."""
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


class Presenter:
    """Writes the body of POST /v1/recommendations in every language, from parts prepared when it is made."""

    def __init__(self, engine: Engine, cat: Dumped) -> None:
        kb = engine.kb
        self.content_version = kb.content_version
        self.checklist = {lang: cat.data("red-flags", lang) for lang in kb.languages}
        self.disclaimers = {lang: {d["id"]: d for d in cat.data("disclaimers", lang)} for lang in kb.languages}
        self.parts = {lang: parts(kb, lang) for lang in kb.languages}
        self.written = {lang: _prewritten(engine.prepared[lang], self.parts[lang]) for lang in kb.languages}

    def write(self, result: Result, lang: str) -> bytes:
        return orjson.dumps(self.present(result, lang))

    def present(self, result: Result, lang: str) -> dict[str, Any]:
        """The answer as orjson writes it."""
        treatments, tips = self.parts[lang]["treatments"], self.parts[lang]["tips"]
        written, disclaimers, stage = self.written[lang], self.disclaimers[lang], result.stage.value
        triage = result.triage
        return {
            "triage": {"level": triage.level.value, "reasons": triage.reasons, "action": triage.action},
            "stage": stage,
            "stage_assumed": result.stage_assumed,
            "red_flags_screened": result.red_flags_screened,
            "red_flag_checklist": self.checklist[lang] if result.red_flag_checklist else [],
            "recommendations": [
                _found(written, r, stage) or _recommendation(r, treatments, stage) for r in result.recommendations
            ],
            "excluded": [_found(written, e, ANY_STAGE) or _excluded(e, treatments) for e in result.excluded],
            "tips": [{"id": t.tip.id, **tips[t.tip.id], "cautions": t.cautions} for t in result.tips],
            "disclaimers": [disclaimers[d.id] for d in result.disclaimers],
            "trace": result.trace,
            "unanswered": result.unanswered,
            "content_version": self.content_version,
        }


def _recommendation(r: Recommended, treatments: dict[str, Any], stage: str) -> dict[str, Any]:
    t = treatments[r.treatment.id]
    return {
        "treatment_id": r.treatment.id,
        "name": t["name"],
        "category": t["category"],
        "rank": r.rank,
        "reasons": r.reasons,
        "evidence": t["evidence"][stage],
        "cautions": r.cautions,
        "clinician_needed": r.clinician_needed,
        "link": t["link"],
    }


def _excluded(e: Excluded, treatments: dict[str, Any]) -> dict[str, Any]:
    t = treatments[e.treatment.id]
    return {"treatment_id": e.treatment.id, "name": t["name"], "kind": e.kind, "reasons": e.reasons, "link": t["link"]}


def _found(written: Written, item: object, stage: str) -> orjson.Fragment | None:
    """The JSON written up front for this very item (at this stage), if any."""
    found = written.get(id(item))
    return found[2] if found is not None and found[0] is item and found[1] == stage else None


def _prewritten(ready: Prepared, prepared: dict[str, Any]) -> Written:
    """The JSON of every situation's ranked recommendations and shared exclusions."""
    treatments = prepared["treatments"]
    out: dict[int, tuple[object, str, orjson.Fragment]] = {}
    for split in ready.baselines.values():
        for e in split.excluded:
            out[id(e)] = (e, ANY_STAGE, orjson.Fragment(orjson.dumps(_excluded(e, treatments))))
    for (stages, _), ranking in ready.rankings.items():
        stage = stages[0].value
        for r in ranking.recommended:
            out[id(r)] = (r, stage, orjson.Fragment(orjson.dumps(_recommendation(r, treatments, stage))))
    return out
