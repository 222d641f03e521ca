"""Infobutton (MedlinePlus Connect style) lookup: a problem code -> our patient-facing sciatica content, or nothing."""

from __future__ import annotations

from typing import Any

from service.ehr.codes import CodeMap, first_match, normalize
from service.engine.models import DisclaimerTrigger, KnowledgeBase

OIDS = {"2.16.840.1.113883.6.90": "ICD-10-CM", "2.16.840.1.113883.6.96": "SNOMED CT"}
LINKS = (
    ("condition", "/v1/condition", "What sciatica is, its causes and stages"),
    ("tips", "/v1/tips", "Self-care tips with evidence"),
    ("treatments", "/v1/treatments", "Treatment options with graded evidence"),
    ("red-flags", "/v1/red-flags", "Warning signs that need urgent care"),
    ("questionnaire", "/v1/questionnaire", "Questions for a personal recommendation"),
)


def topic(kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The one health topic we have (pre-built per language at start-up)."""
    c = kb.condition
    return {
        "id": "sciatica",
        "title": c.name.get_text(lang),
        "summary": c.summary.get_text(lang),
        "causes": [x.get_text(lang) for x in c.causes],
        "stages": [{"stage": b.stage.value, "description": b.description.get_text(lang)} for b in c.stages],
        "tips": [{"id": t.id, "title": t.title.get_text(lang), "text": t.text.get_text(lang)} for t in kb.tips],
        "links": [{"rel": rel, "href": href, "title": title} for rel, href, title in LINKS],
        "sources": list(c.sources),
        "updated": c.last_reviewed,
    }


def disclaimer(kb: KnowledgeBase, lang: str) -> str:
    return " ".join(d.text.get_text(lang) for d in kb.disclaimers if d.trigger is DisclaimerTrigger.ALWAYS)


def lookup(codes: CodeMap, code: str, oid: str) -> tuple[dict[str, str] | None, str]:
    """(the matched sciatica coding, why not when None) for one code of one code system OID."""
    if oid not in OIDS:
        return (
            None,
            f"Code system {oid} is not supported here; send ICD-10-CM ({_oid('ICD-10-CM')}) or SNOMED CT ({_oid('SNOMED CT')}).",
        )
    system = codes.system(f"urn:oid:{oid}")
    hit = first_match(codes.sciatica, [(system, normalize(system, code), "")])
    if hit is None:
        return None, f"No patient information for {OIDS[oid]} {code}: this service covers sciatica only."
    rule = hit[0]
    return {"system": rule.system, "code": rule.code, "display": rule.display}, ""


def _oid(name: str) -> str:
    return next(oid for oid, n in OIDS.items() if n == name)
