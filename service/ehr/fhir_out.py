"""Knowledge -> FHIR R4B definitional resources: a CPG-style PlanDefinition, ActivityDefinitions and Evidence."""

from __future__ import annotations

from typing import Any

from service.engine.models import Category, Certainty, Direction, KnowledgeBase, Scope, Strength, Treatment

PUBLISHER = "Sciatica Relief API team"
SNOMED, RXNORM = "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm"
STRENGTH_URL = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_URL = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
DIRECTION_URL = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-directionOfRecommendation"
RATIONALE_URL = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-rationale"
STRENGTH_CS = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
QUALITY_CS = "http://terminology.hl7.org/CodeSystem/evidence-quality"
DIRECTION_CS = "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-recommendation-direction-cs"
CERTAINTY_CS = "http://terminology.hl7.org/CodeSystem/certainty-rating"
CERTAINTY_TYPE_CS = "http://terminology.hl7.org/CodeSystem/certainty-type"
VARIABLE_ROLE_CS = "http://terminology.hl7.org/CodeSystem/variable-role"
PLAN_ID = "sciatica-recommendations"

# Our grades -> HL7 codes. Direction: only for/against exist (CPG); conditional is a weak "for"; no
# recommendation and conflicting guidance get no direction (the rationale says why). Strength "none": no extension.
QUALITY = {Certainty.HIGH: "high", Certainty.MODERATE: "moderate", Certainty.LOW: "low", Certainty.VERY_LOW: "very-low"}
STRENGTH = {Strength.STRONG: "strong", Strength.CONDITIONAL: "weak"}
DIRECTION = {Direction.FOR: "for", Direction.CONDITIONAL: "for", Direction.AGAINST: "against"}


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code} | ({"display": display} if display else {})
    return {"coding": [coding]}


def canonical(base: str, kb: KnowledgeBase, rtype: str, rid: str) -> dict[str, str]:
    """url, version and the common metadata every definitional resource carries."""
    return {"url": f"{base}/{rtype}/{rid}", "version": kb.content_version, "publisher": PUBLISHER}


def citations(kb: KnowledgeBase, base: str, ids: tuple[str, ...], kind: str = "citation") -> list[dict[str, Any]]:
    """RelatedArtifacts for source ids: label, readable citation, web link, and the Citation resource."""
    out = []
    for sid in ids:
        s = kb.index["sources"][sid]
        link = s.url or (f"https://doi.org/{s.doi}" if s.doi else None)
        item = {
            "type": kind,
            "label": s.id,
            "display": f"{s.authors} ({s.year}). {s.title}. {s.publisher}.",
            "resource": f"{base}/Citation/{s.id}|{kb.content_version}",
        }
        out.append(item | ({"url": link} if link else {}))
    return out


def grade_extensions(t: Treatment, lang: str) -> list[dict[str, Any]]:
    """cqf-strengthOfRecommendation, cpg-directionOfRecommendation, cqf-qualityOfEvidence and cpg-rationale."""
    e, out = t.evidence, []
    if e.strength in STRENGTH:
        out.append({"url": STRENGTH_URL, "valueCodeableConcept": concept(STRENGTH_CS, STRENGTH[e.strength])})
    if e.direction in DIRECTION:
        out.append({"url": DIRECTION_URL, "valueCodeableConcept": concept(DIRECTION_CS, DIRECTION[e.direction])})
    out.append({"url": QUALITY_URL, "valueCodeableConcept": concept(QUALITY_CS, QUALITY[e.certainty])})
    grades = "\n".join(f"- {g.system} ({g.source}): {g.grade}" for g in e.source_grades)
    note = f"Our grading: direction {e.direction.value}, strength {e.strength.value}, scope {e.scope.value}."
    out.append({"url": RATIONALE_URL, "valueMarkdown": f"{e.summary.get_text(lang)}\n\n{note}\n\n{grades}"})
    return out


def plan_definition(kb: KnowledgeBase, base: str, lang: str) -> dict[str, Any]:
    """One recommendation definition (eca-rule) with one action per treatment option."""
    c = kb.condition
    actions = [
        {
            "id": t.id,
            "extension": grade_extensions(t, lang),
            "title": t.name.get_text(lang),
            "description": t.summary.get_text(lang),
            "textEquivalent": t.evidence.summary.get_text(lang),
            "documentation": citations(kb, base, t.sources),
            "definitionCanonical": f"{base}/ActivityDefinition/{t.id}|{kb.content_version}",
        }
        for t in kb.treatments
    ]
    return {
        "resourceType": "PlanDefinition",
        "id": PLAN_ID,
        **canonical(base, kb, "PlanDefinition", PLAN_ID),
        "name": "SciaticaRecommendations",
        "title": "Sciatica treatment options, graded by evidence",
        "type": concept("http://terminology.hl7.org/CodeSystem/plan-definition-type", "eca-rule", "ECA Rule"),
        "status": "active",
        "experimental": False,
        "date": c.last_reviewed.isoformat(),
        "description": c.summary.get_text(lang),
        "useContext": [
            {
                "code": {"system": "http://terminology.hl7.org/CodeSystem/usage-context-type", "code": "focus"},
                "valueCodeableConcept": concept(SNOMED, "23056005", "Sciatica"),
            }
        ],
        "topic": [concept("http://terminology.hl7.org/CodeSystem/definition-topic", "treatment", "Treatment")],
        "lastReviewDate": c.last_reviewed.isoformat(),
        "relatedArtifact": citations(kb, base, c.sources),
        "action": actions,
    }


KIND = {
    Category.MEDICATION: "MedicationRequest",
    Category.SELF_CARE: "CommunicationRequest",
    Category.EXERCISE: "CommunicationRequest",
}


def activity_definition(t: Treatment, kb: KnowledgeBase, base: str, lang: str) -> dict[str, Any]:
    """The treatment as an activity template; doNotPerform when the evidence is against it."""
    out: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "id": t.id,
        **canonical(base, kb, "ActivityDefinition", t.id),
        "name": "".join(part.capitalize() for part in t.id.split("-")),
        "title": t.name.get_text(lang),
        "status": "active",
        "experimental": False,
        "date": t.last_reviewed.isoformat(),
        "description": t.summary.get_text(lang),
        "usage": t.details.get_text(lang),
        "lastReviewDate": t.last_reviewed.isoformat(),
        "topic": [concept("http://terminology.hl7.org/CodeSystem/definition-topic", "treatment", "Treatment")],
        "relatedArtifact": [
            {
                "type": "justification",
                "display": "Evidence and grades",
                "resource": f"{base}/Evidence/{t.id}|{kb.content_version}",
            },
            *citations(kb, base, t.sources),
        ],
        "kind": KIND.get(t.category, "ServiceRequest"),
        "intent": "proposal",
        "doNotPerform": t.evidence.direction is Direction.AGAINST,
        "code": {"text": t.name.get_text(lang)},
    }
    if len(t.drugs) == 1:
        d = t.drugs[0]
        out["productCodeableConcept"] = concept(RXNORM, d.rxnorm, d.name)
    return out


def evidence(t: Treatment, kb: KnowledgeBase, base: str, lang: str) -> dict[str, Any]:
    """Evidence with the overall certainty (GRADE-style) and each source's own grade as a note."""
    e = t.evidence
    population = (
        "People with sciatica"
        if e.scope is Scope.SCIATICA_SPECIFIC
        else "People with low back pain (indirect for sciatica)"
    )
    return {
        "resourceType": "Evidence",
        "id": t.id,
        **canonical(base, kb, "Evidence", t.id),
        "title": f"Evidence: {t.name.get_text(lang)} for sciatica",
        "status": "active",
        "date": t.last_reviewed.isoformat(),
        "description": e.summary.get_text(lang),
        "lastReviewDate": t.last_reviewed.isoformat(),
        "variableDefinition": [
            {"description": population, "variableRole": concept(VARIABLE_ROLE_CS, "population")},
            {"description": t.name.get_text(lang), "variableRole": concept(VARIABLE_ROLE_CS, "exposure")},
        ],
        "certainty": [
            {
                "description": f"Overall certainty: {e.certainty.value.replace('_', ' ')}",
                "type": concept(CERTAINTY_TYPE_CS, "Overall"),
                "rating": concept(CERTAINTY_CS, QUALITY[e.certainty]),
            }
            | (
                {"note": [{"text": f"{g.system} ({g.source}): {g.grade}"} for g in e.source_grades]}
                if e.source_grades
                else {}
            )
        ],
        "relatedArtifact": citations(kb, base, t.sources),
    }
