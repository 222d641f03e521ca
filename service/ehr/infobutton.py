"""Infobutton (MedlinePlus Connect style) lookup: a problem code -> our patient-facing sciatica content, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.ehr.codes import CodeMap, first_match, normalize
from service.ehr.language import served
from service.engine.models import DEFAULT_LANGUAGE, DisclaimerTrigger, KnowledgeBase

OIDS = {"2.16.840.1.113883.6.90": "ICD-10-CM", "2.16.840.1.113883.6.96": "SNOMED CT"}
# Pages for the patient, each linked in the answer's language (?lang=), with its title in every content language
# (a test holds them to the knowledge's languages).
LINKS = (
    ("handout", "/handouts/condition", {
        "en": "Printable handout: what sciatica is and what helps",
        "es": "Hoja para imprimir: qué es la ciática y qué ayuda",
    }),
    ("condition", "/v1/condition", {
        "en": "What sciatica is, its causes and stages",
        "es": "Qué es la ciática, sus causas y sus etapas",
    }),
    ("tips", "/v1/tips", {
        "en": "Self-care tips with evidence",
        "es": "Consejos de autocuidado, con su evidencia",
    }),
    ("treatments", "/v1/treatments", {
        "en": "Treatment options with graded evidence",
        "es": "Opciones de tratamiento, con la calidad de su evidencia",
    }),
    ("red-flags", "/v1/red-flags", {
        "en": "Warning signs that need urgent care",
        "es": "Señales de alarma que necesitan atención urgente",
    }),
    ("questionnaire", "/v1/questionnaire", {
        "en": "Questions for a personal recommendation",
        "es": "Preguntas para una recomendación personal",
    }),
)  # fmt: skip


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
        "links": [{"rel": rel, "href": f"{href}?lang={lang}", "title": titles[lang]} for rel, href, titles in LINKS],
        "sources": list(c.sources),
        "updated": c.last_reviewed,
    }


def language(asked: str | None, negotiated: str, languages: Sequence[str]) -> tuple[str, bool | None]:
    """(the answer's language, whether it falls back to English) for an Infobutton languageCode `asked`: its
    primary language when we have it (es-MX -> es), else English (True). Without one, the language `negotiated` from
    ?lang= or Accept-Language (None: the catalog says whether it falls back)."""
    if asked is None:
        return negotiated, None
    lang = served(asked, languages)
    return (lang, False) if lang else (DEFAULT_LANGUAGE, True)


def disclaimer(kb: KnowledgeBase, lang: str) -> str:
    return " ".join(d.text.get_text(lang) for d in kb.disclaimers if d.trigger is DisclaimerTrigger.ALWAYS)


# Why an answer has no entry, in every content language (a test holds them to the knowledge's languages).
WHY = {
    "system": {
        "en": "Code system {oid} is not supported here; send ICD-10-CM ({icd}) or SNOMED CT ({snomed}).",
        "es": "El sistema de códigos {oid} no se acepta aquí; envíe ICD-10-CM ({icd}) o SNOMED CT ({snomed}).",
    },
    "other": {
        "en": "No patient information for {system} {code}: this service covers sciatica only.",
        "es": "No hay información para pacientes sobre {system} {code}: este servicio trata solo la ciática.",
    },
}


def lookup(codes: CodeMap, code: str, oid: str, lang: str) -> tuple[dict[str, str] | None, str]:
    """(the matched sciatica coding, why not in `lang` when None) for one code of one code system OID."""
    if oid not in OIDS:
        return None, WHY["system"][lang].format(oid=oid, icd=_oid("ICD-10-CM"), snomed=_oid("SNOMED CT"))
    system = codes.system(f"urn:oid:{oid}")
    hit = first_match(codes.sciatica, [(system, normalize(system, code), "")])
    if hit is None:
        return None, WHY["other"][lang].format(system=OIDS[oid], code=code)
    rule = hit[0]
    return {"system": rule.system, "code": rule.code, "display": rule.display}, ""


def _oid(name: str) -> str:
    return next(oid for oid, n in OIDS.items() if n == name)
