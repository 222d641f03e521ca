"""The FHIR facade: every resource validates as R4B, uses the HL7 codes correctly, and follows the knowledge."""

import pytest
from fhir.resources.R4B import get_fhir_model_class

from service.ehr import fhir_out as f
from service.ehr.fhir_meta import TYPES

FHIR_JSON = "application/fhir+json"
CANONICAL = "https://sciatica-relief.example.org/fhir"
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
RELATED_ARTIFACT_TYPES = {
    "documentation",
    "justification",
    "citation",
    "predecessor",
    "successor",
    "derived-from",
    "depends-on",
    "composed-of",
}
REQUEST_KINDS = {"MedicationRequest", "ServiceRequest", "CommunicationRequest"}


def everything(client):
    """Every resource the facade serves, fetched through type-level search."""
    out = []
    for rtype in TYPES:
        response = client.get(f"/fhir/{rtype}")
        assert response.status_code == 200 and response.mimetype == FHIR_JSON
        bundle = response.get_json()
        get_fhir_model_class("Bundle").model_validate(bundle)
        assert bundle["type"] == "searchset" and bundle["total"] == len(bundle["entry"]) > 0
        out += [e["resource"] for e in bundle["entry"]]
    return out


@pytest.fixture(scope="module")
def served(app):
    return everything(app.test_client())


def coding(concept):
    [only] = concept["coding"]
    return only["system"], only["code"]


def test_every_resource_validates_as_r4b_and_is_canonical(served, kb):
    assert len(served) == 1 + 2 * len(kb.treatments) + len(kb.sources)
    for resource in served:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert resource["url"] == f"{CANONICAL}/{resource['resourceType']}/{resource['id']}"
        assert resource["version"] == kb.content_version
        assert resource["status"] in PUBLICATION_STATUS


def test_plan_definition_has_one_graded_action_per_treatment(client, kb):
    plan = client.get("/fhir/PlanDefinition/sciatica-recommendations").get_json()
    assert coding(plan["type"]) == ("http://terminology.hl7.org/CodeSystem/plan-definition-type", "eca-rule")
    actions = {a["id"]: a for a in plan["action"]}
    assert list(actions) == [t.id for t in kb.treatments]
    citations = {s.id for s in kb.sources}
    for t in kb.treatments:
        ext = {e["url"]: e for e in actions[t.id]["extension"]}
        assert coding(ext[f.QUALITY_URL]["valueCodeableConcept"]) == (f.QUALITY_CS, f.QUALITY[t.evidence.certainty])
        if t.evidence.strength in f.STRENGTH:
            assert coding(ext[f.STRENGTH_URL]["valueCodeableConcept"]) == (
                f.STRENGTH_CS,
                f.STRENGTH[t.evidence.strength],
            )
        else:
            assert f.STRENGTH_URL not in ext
        if t.evidence.direction in f.DIRECTION:
            assert coding(ext[f.DIRECTION_URL]["valueCodeableConcept"]) == (
                f.DIRECTION_CS,
                f.DIRECTION[t.evidence.direction],
            )
        else:
            assert f.DIRECTION_URL not in ext
        assert ext[f.RATIONALE_URL]["valueMarkdown"].strip()
        docs = actions[t.id]["documentation"]
        assert {d["label"] for d in docs} == set(t.sources) <= citations
        assert all(
            d["type"] in RELATED_ARTIFACT_TYPES and d["resource"].startswith(f"{CANONICAL}/Citation/") for d in docs
        )


def test_hl7_code_values_are_from_their_code_systems(served):
    """fhir.resources does not check terminology, so the code values are checked here."""
    allowed = {
        f.STRENGTH_CS: {"strong", "weak"},
        f.QUALITY_CS: {"high", "moderate", "low", "very-low"},
        f.DIRECTION_CS: {"for", "against"},
        f.CERTAINTY_CS: {"high", "moderate", "low", "very-low"},
        f.CERTAINTY_TYPE_CS: {"Overall"},
        f.VARIABLE_ROLE_CS: {"population", "exposure"},
        "http://terminology.hl7.org/CodeSystem/definition-topic": {"treatment"},
        "http://terminology.hl7.org/CodeSystem/usage-context-type": {"focus"},
    }
    seen = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("system") in allowed and "code" in node:
                assert node["code"] in allowed[node["system"]], node
                seen.add(node["system"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(served)
    assert seen == set(allowed)


def test_activity_and_evidence_follow_the_knowledge(client, kb):
    for t in kb.treatments:
        activity = client.get(f"/fhir/ActivityDefinition/{t.id}").get_json()
        assert activity["kind"] in REQUEST_KINDS and activity["intent"] == "proposal"
        assert activity["doNotPerform"] is (t.evidence.direction.value == "against")
        evidence = client.get(f"/fhir/Evidence/{t.id}").get_json()
        [certainty] = evidence["certainty"]
        assert coding(certainty["rating"])[1] == f.QUALITY[t.evidence.certainty]
        assert len(certainty.get("note", [])) == len(t.evidence.source_grades)


def test_capability_statement(client):
    response = client.get("/fhir/metadata")
    assert response.mimetype == FHIR_JSON
    cs = response.get_json()
    get_fhir_model_class("CapabilityStatement").model_validate(cs)
    assert cs["fhirVersion"] == "4.3.0" and cs["kind"] == "instance" and cs["format"] == ["json"]
    [rest] = cs["rest"]
    assert [r["type"] for r in rest["resource"]] == list(TYPES)
    for resource in rest["resource"]:
        assert [i["code"] for i in resource["interaction"]] == ["read", "search-type"]


def test_search_parameters(client, kb):
    url = f"{CANONICAL}/Evidence/nsaids"
    assert client.get("/fhir/Evidence?_id=nsaids").get_json()["total"] == 1
    assert client.get(f"/fhir/Evidence?url={url}").get_json()["entry"][0]["resource"]["id"] == "nsaids"
    assert client.get(f"/fhir/Evidence?url={url}|{kb.content_version}").get_json()["total"] == 1
    empty = client.get(f"/fhir/Evidence?url={url}|0.0.1").get_json()
    assert empty["total"] == 0 and "entry" not in empty
    assert (
        client.get("/fhir/Citation?_id=S1&_format=json").get_json()["entry"][0]["fullUrl"]
        == "http://localhost/fhir/Citation/S1"
    )


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/fhir/PlanDefinition/unknown", 404, "not-found"),
        ("/fhir/Evidence?subject=x", 400, "invalid"),
        ("/fhir/Evidence?_id=bad%20id", 400, "invalid"),
        ("/fhir/metadata?_format=xml", 400, "invalid"),
        ("/fhir/Citation/S1?_pretty=true", 400, "invalid"),
        ("/fhir/Evidence/nsaids?lang=fr", 400, "invalid"),
        ("/fhir/Evidence?lang=fr", 400, "invalid"),
        ("/fhir/metadata?lang=es-MX", 400, "invalid"),  # lang names a content language exactly, as everywhere
    ],
)
def test_errors_are_operation_outcomes(client, path, status, code):
    response = client.get(path)
    assert response.status_code == status and response.mimetype == FHIR_JSON
    outcome = response.get_json()
    get_fhir_model_class("OperationOutcome").model_validate(outcome)
    assert outcome["issue"][0]["code"] == code and outcome["issue"][0]["diagnostics"]


def test_reads_are_cacheable_with_etags(client):
    first = client.get("/fhir/ActivityDefinition/staying-active")
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    again = client.get("/fhir/ActivityDefinition/staying-active", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "query, accept, lang, fallback",
    [
        ({"lang": "es"}, None, "es", "false"),
        ({}, "es-MX,es;q=0.9", "es", "false"),
        ({"lang": "en"}, "es", "en", "false"),  # lang wins over Accept-Language
        ({}, "fr", "en", "true"),
        ({}, None, "en", "false"),
    ],
)
@pytest.mark.parametrize(
    "path, params", [("/fhir/ActivityDefinition/staying-active", {}), ("/fhir/Evidence", {"_id": "nsaids"})]
)
def test_resources_are_written_and_labelled_in_the_language_asked(
    client, kb, path, params, query, accept, lang, fallback
):
    response = client.get(path, query_string=params | query, headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    assert response.headers["Content-Language"] == lang and response.headers["Language-Fallback"] == fallback
    assert "Accept-Language" in response.headers["Vary"]
    body = response.get_json()
    resource = body["entry"][0]["resource"] if body["resourceType"] == "Bundle" else body
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    treatment = kb.index["treatments"][resource["id"]]
    summary = treatment.summary if resource["resourceType"] == "ActivityDefinition" else treatment.evidence.summary
    assert resource["language"] == lang and treatment.name.get_text(lang) in resource["title"]
    assert resource["description"] == summary.get_text(lang)


def test_every_resource_states_its_language(client, kb):
    for rtype in TYPES:
        english = {e["resource"]["id"]: e["resource"] for e in client.get(f"/fhir/{rtype}").get_json()["entry"]}
        spanish = client.get(f"/fhir/{rtype}?lang=es").get_json()["entry"]
        for resource in (e["resource"] for e in spanish):
            assert english[resource["id"]]["language"] == "en"
            same = resource | {"language": "en"} == english[resource["id"]]  # nothing in it is translated
            assert resource["language"] == ("en" if same else "es"), (rtype, resource["id"])
    plan = client.get("/fhir/PlanDefinition/sciatica-recommendations?lang=es").get_json()
    assert plan["language"] == "es" and plan["description"] == kb.condition.summary.get_text("es")
