"""Citations, the CapabilityStatement, searchset Bundles and OperationOutcomes of the read-only FHIR facade."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.ehr.fhir_out import PUBLISHER, activity_definition, canonical, evidence, plan_definition
from service.engine.models import DEFAULT_LANGUAGE, KnowledgeBase, Source

FHIR_VERSION = "4.3.0"  # R4B: Evidence (with certainty) and Citation do not exist in R4
TYPES = ("PlanDefinition", "ActivityDefinition", "Evidence", "Citation")
SEARCH_PARAMS = (("_id", "token", "The resource id."), ("url", "uri", "The canonical URL, optionally with |version."))


def citation(s: Source, kb: KnowledgeBase, base: str, lang: str) -> dict[str, Any]:
    """A source as a Citation: title, authors, identifiers (DOI, PMID) and web location."""
    ids = [{"system": "https://doi.org", "value": s.doi}] if s.doi else []
    ids += [{"system": "https://pubmed.ncbi.nlm.nih.gov", "value": s.pmid}] if s.pmid else []
    links = [{"url": u} for u in (s.url, f"https://doi.org/{s.doi}" if s.doi else None) if u]
    artifact: dict[str, Any] = {
        "title": [{"text": s.title}],
        "contributorship": {"summary": [{"value": s.authors}]},
        "publicationForm": [{"publishedIn": {"publisher": {"display": s.publisher}}, "articleDate": str(s.year)}],
    }
    artifact |= ({"identifier": ids} if ids else {}) | ({"webLocation": links} if links else {})
    out: dict[str, Any] = {
        "resourceType": "Citation",
        "id": s.id,
        **canonical(base, kb, "Citation", s.id),
        "name": s.id,
        "title": s.title,
        "status": "active",
        "summary": [{"text": f"{s.authors} ({s.year}). {s.title}. {s.publisher}."}],
        "classification": [{"classifier": [{"text": s.type.value.replace("_", " ")}]}],
        "citedArtifact": artifact,
    }
    if s.note:
        out["note"] = [{"text": s.note.get_text(lang)}]
    return out


def all_resources(kb: KnowledgeBase, base: str, lang: str) -> dict[str, dict[str, dict[str, Any]]]:
    """type -> id -> resource, for every resource the facade serves."""
    return {
        "PlanDefinition": {"sciatica-recommendations": plan_definition(kb, base, lang)},
        "ActivityDefinition": {t.id: activity_definition(t, kb, base, lang) for t in kb.treatments},
        "Evidence": {t.id: evidence(t, kb, base, lang) for t in kb.treatments},
        "Citation": {s.id: citation(s, kb, base, lang) for s in kb.sources},
    }


def localized(kb: KnowledgeBase, base: str) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """language -> type -> id -> resource, each stating the language it is written in (Resource.language), or en
    when nothing in it is translated (a Citation of a source without a note: the same resource in every language)."""
    built = {lang: all_resources(kb, base, lang) for lang in kb.languages}
    english = built[DEFAULT_LANGUAGE]
    return {
        lang: {
            rtype: {rid: stated(r, lang if r != english[rtype][rid] else DEFAULT_LANGUAGE) for rid, r in items.items()}
            for rtype, items in resources.items()
        }
        for lang, resources in built.items()
    }


def stated(resource: dict[str, Any], lang: str) -> dict[str, Any]:
    """`resource` with its `language` after resourceType and id, where FHIR's JSON puts it."""
    return {"resourceType": resource["resourceType"], "id": resource["id"], "language": lang} | resource


def capability_statement(kb: KnowledgeBase, base: str, software_version: str) -> dict[str, Any]:
    """What the facade can do: read and type-level search of four definitional resource types, JSON only."""
    resources = [
        {
            "type": rtype,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": n, "type": t, "documentation": d} for n, t, d in SEARCH_PARAMS],
        }
        for rtype in TYPES
    ]
    return {
        "resourceType": "CapabilityStatement",
        "id": "sciatica-relief",
        **canonical(base, kb, "CapabilityStatement", "sciatica-relief"),
        "name": "SciaticaReliefFhirFacade",
        "title": "Sciatica Relief API: read-only FHIR facade",
        "status": "active",
        "experimental": False,
        "date": kb.condition.last_reviewed.isoformat(),
        "description": "The sciatica knowledge base as FHIR R4B definitional resources, versioned with the content.",
        "kind": "instance",
        "software": {"name": PUBLISHER.replace(" team", ""), "version": software_version},
        "implementation": {"description": f"Read-only; content version {kb.content_version}; JSON only."},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{"mode": "server", "documentation": "No authentication; content is public.", "resource": resources}],
    }


def searchset(entries: Iterable[tuple[str, dict[str, Any]]], self_url: str) -> dict[str, Any]:
    """A searchset Bundle of (fullUrl, resource) pairs, all search matches."""
    items = [{"fullUrl": url, "resource": r, "search": {"mode": "match"}} for url, r in entries]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(items),
        "link": [{"relation": "self", "url": self_url}],
    }
    return bundle | ({"entry": items} if items else {})


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    """An OperationOutcome with one issue (codes from http://hl7.org/fhir/issue-type)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }
