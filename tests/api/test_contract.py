"""The response contract a strict client is generated from: every real JSON answer validates against the schema the
OpenAPI document gives its operation and status, closed objects refuse extra fields and every `required` field is
present (so a field the document requires is one the service always sends)."""

import re
from functools import cache

import jsonschema
import pytest
import yaml

from service.api.ehr.cds_docs import EXAMPLES
from service.knowledge import load_knowledge
from tests.api.ehr.test_cds_http import FEEDBACK
from tests.api.ehr.test_infobutton import ICD10CM, RXNORM, SNOMED
from tests.ehr.conftest import call, cases, codes  # noqa: F401 - fixtures, found by name
from tests.engine.test_scenarios import SCENARIOS

KB = load_knowledge()
FHIR_TYPES = {"PlanDefinition": ["sciatica-recommendations"], "ActivityDefinition": ["staying-active"],
              "Evidence": ["nsaids"], "Citation": ["S1"]}  # fmt: skip
GETS = [
    "/", "/health/live", "/health/ready", "/v1/treatments", "/v1/treatments?view=full", "/v1/tips", "/v1/red-flags",
    "/v1/factors", "/v1/questionnaire", "/v1/sources", "/v1/condition", "/v1/evidence-levels", "/v1/disclaimers",
    "/v1/meta", "/v1/safety/hazards", "/cds-services", "/fhir/metadata", "/v1/bundle", "/v1/releases",
    "/problems/validation-error", "/problems/not-found", "/v1/medicines?q=warfarin", "/v1/medicines?q=adv", "/v1/medicines?q=855332", "/v1/medicines?q=no-such-medicine",
    *(f"/v1/treatments/{t.id}" for t in KB.treatments),
    *(f"/v1/sources/{s.id}" for s in KB.sources),
    *(f"/v1/safety/hazards/{h.id}" for h in KB.hazards),
    *(f"/fhir/{rtype}" for rtype in FHIR_TYPES), "/fhir/Evidence?_id=no-such-item",
    *(f"/fhir/{rtype}/{rid}" for rtype, ids in FHIR_TYPES.items() for rid in ids),
    *(f"/v1/infobutton?mainSearchCriteria.v.c={code}&mainSearchCriteria.v.cs={system}"
      for code, system in [("M54.31", ICD10CM), ("23056005", SNOMED), ("I10", ICD10CM), ("5640", RXNORM)]),
]  # fmt: skip
# Error answers keep the problem contract too (status -> a request that gets it).
PROBLEMS = [
    ("GET", "/v1/treatments/no-such-option", None),
    ("GET", "/v1/treatments?colour=blue", None),
    ("POST", "/v1/recommendations", {"age": -1, "tried": [{"treatment_id": "nope", "outcome": "meh"}]}),
    ("POST", "/v1/recommendations", {"conditions": ["no-such-condition"]}),
]


@cache
def operations(app):
    """(path regex, path item) for every path of the served document, and the document itself."""
    with app.test_client() as client:
        spec = client.get("/openapi.json").get_json()
    paths = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), item) for p, item in spec["paths"].items()]
    return paths, spec


def check(app, method, path, response):
    """Validate one response against its documented schema (strictly: unevaluated fields are an error)."""
    paths, spec = operations(app)
    item = next(item for regex, item in paths if regex.match(path.split("?")[0]))
    responses = item[method.lower()]["responses"]
    documented = responses.get(str(response.status_code)) or responses["default"]
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    schema = documented["content"][response.mimetype]["schema"]
    root = {"components": spec["components"], **schema}
    jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker()).validate(response.get_json())


@pytest.mark.parametrize("path", GETS)
def test_content_answers_keep_the_contract(app, client, path):
    response = client.get(path, headers={"Accept": "application/json"})  # a problem page is HTML otherwise
    assert response.status_code == 200
    check(app, "GET", path, response)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_recommendations_keep_the_contract(app, client, scenario):
    response = client.post("/v1/recommendations", json=yaml.safe_load(scenario.read_text()).get("report", {}))
    assert response.status_code in (200, 422)  # some scenarios are reports the service refuses
    check(app, "POST", "/v1/recommendations", response)


@pytest.mark.parametrize(
    "service, example",
    [pytest.param(s, e["value"], id=f"{s}:{n}") for s, ex in EXAMPLES.items() for n, e in ex.items()],
)
def test_cds_examples_keep_the_contract(app, client, service, example):
    response = client.post(f"/cds-services/{service}", json=example)
    assert response.status_code == 200
    check(app, "POST", f"/cds-services/{service}", response)


@pytest.mark.parametrize("case", cases(lambda c: c["expect"]["status"] == 200))
def test_cds_fixtures_keep_the_contract(app, call, case):  # noqa: F811 - the fixture imported above
    check(app, "POST", f"/cds-services/{case['service']}", call(case))


def test_the_feedback_receipt_keeps_the_contract(app, client):
    path = "/cds-services/sciatica-patient-view/feedback"
    response = client.post(path, json=FEEDBACK)
    assert response.status_code == 200
    check(app, "POST", path, response)


@pytest.mark.parametrize("method, path, body", PROBLEMS)
def test_problems_keep_the_contract(app, client, method, path, body):
    response = client.open(path, method=method, json=body)
    assert response.status_code >= 400 and response.mimetype == "application/problem+json"
    check(app, method, path, response)


def test_every_json_answer_of_the_document_is_exercised(app):
    """A new operation with a JSON 200 gets a row above (or this fails)."""
    paths, _ = operations(app)
    covered = {*GETS, "/v1/recommendations", *(f"/cds-services/{s}" for s in EXAMPLES), "/cds-services/x/feedback"}
    for regex, item in paths:
        for method, operation in item.items():
            ok = operation.get("responses", {}).get("200", {}) if isinstance(operation, dict) else {}
            if any("json" in media for media in ok.get("content", {})):
                assert any(regex.match(p.split("?")[0]) for p in covered), f"{method} {regex.pattern}"


@pytest.mark.parametrize(
    "body",
    [
        {"pregnant": True, "pregnancy_weeks": 20},
        {"pregnancy_weeks": 20},
        {"pregnant": False, "pregnancy_weeks": 20},
        {"pregnant": None, "pregnancy_weeks": 20},
        {"pregnancy_weeks": None},
        {"pregnant": False, "pregnancy_weeks": None},
        {"pregnant": True},
    ],
)
def test_the_documented_cross_field_rules_are_the_ones_the_service_applies(app, client, body):
    _, spec = operations(app)
    root = {"components": spec["components"], "$ref": "#/components/schemas/RecommendationRequest"}
    documented = jsonschema.Draft202012Validator(root).is_valid(body)
    assert (client.post("/v1/recommendations", json=body).status_code == 200) == documented
