"""Infobutton (MedlinePlus Connect style) lookup: a problem code -> our patient-facing sciatica content, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.ehr.codes import CodeMap, first_match, normalize
from service.ehr.language import served
from service.engine.models import DEFAULT_LANGUAGE, DisclaimerTrigger, KnowledgeBase

OIDS = {"2.16.840.1.113883.6.90": "ICD-10-CM", "2.16.840.1.113883.6.96": "SNOMED CT"}
# Pages for the patient, each linked in the answer's language (?lang=) and titled by the phrase infobutton-<rel>.
LINKS = (
    ("handout", "/handouts/condition"),
    ("condition", "/v1/condition"),
    ("tips", "/v1/tips"),
    ("treatments", "/v1/treatments"),
    ("red-flags", "/v1/red-flags"),
    ("questionnaire", "/v1/questionnaire"),
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
        "links": [
            {"rel": rel, "href": f"{href}?lang={lang}", "title": say(kb, f"infobutton-{rel}", lang)}
            for rel, href in LINKS
        ],
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


def say(kb: KnowledgeBase, phrase: str, lang: str, **values: str) -> str:
    """A phrase of the knowledge in `lang`, its {placeholders} filled."""
    return kb.index["phrases"][phrase].text.get_text(lang).format(**values)


def lookup(kb: KnowledgeBase, codes: CodeMap, code: str, oid: str, lang: str) -> tuple[dict[str, str] | None, str]:
    """(the matched sciatica coding, why not in `lang` when None) for one code of one code system OID."""
    if oid not in OIDS:
        return None, say(
            kb, "infobutton-no-code-system", lang, oid=oid, icd=_oid("ICD-10-CM"), snomed=_oid("SNOMED CT")
        )
    system = codes.system(f"urn:oid:{oid}")
    hit = first_match(codes.sciatica, [(system, normalize(system, code), "")])
    if hit is None:
        return None, say(kb, "infobutton-not-sciatica", lang, system=OIDS[oid], code=code)
    rule = hit[0]
    return {"system": rule.system, "code": rule.code, "display": rule.display}, ""


def _oid(name: str) -> str:
    return next(oid for oid, n in OIDS.items() if n == name)
