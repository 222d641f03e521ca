"""The served /openapi.json describes the server as configured; the committed one is the production profile; every
response states the headers the service sends; every 200 has a full example that its schema accepts."""

import json

import jsonschema
import pytest
from openapi_spec_validator import validate

from service import create_app
from service.openapi import limited_path, operations
from service.web.profile import PRODUCTION
from tests.api.ehr.test_ehr_access import CONFIGS
from tests.api.test_openapi import COMMITTED

KEYS, JWT = [{"ApiKeyAuth": []}], [{"CdsHooksJwt": []}]
OPS = {  # (method, template) -> a concrete request
    ("get", "/v1/tips"): "/v1/tips",
    ("post", "/v1/recommendations"): "/v1/recommendations",
    ("get", "/cds-services"): "/cds-services",
    ("get", "/fhir/Citation/{resource_id}"): "/fhir/Citation/S1",
    ("get", "/fhir/metadata"): "/fhir/metadata",
    ("get", "/health/live"): "/health/live",
    ("get", "/handouts/condition"): "/handouts/condition",
}
# configuration -> operation -> the security the served document states (None: no requirement)
SECURITY = {
    "none": {},
    "keys": {"/v1/tips": KEYS, "/v1/recommendations": KEYS, "/cds-services": KEYS, "/fhir/Citation/{resource_id}": KEYS},
    "jwt": {"/cds-services": JWT, "/fhir/Citation/{resource_id}": JWT},
    "both": {"/v1/tips": KEYS, "/v1/recommendations": KEYS} | dict.fromkeys(
        ["/cds-services", "/fhir/Citation/{resource_id}"], JWT + KEYS
    ),
}  # fmt: skip


@pytest.fixture(scope="module", params=CONFIGS)
def configured(request):
    limits = {"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "100000 per hour"}  # on, as in production
    app = create_app({"TESTING": True} | limits | CONFIGS[request.param])
    client = app.test_client()
    return request.param, client, client.get("/openapi.json").get_json()


def test_served_security_is_what_the_server_checks(configured):
    name, client, served = configured
    for (method, template), url in OPS.items():
        op = served["paths"][template][method]
        assert (op.get("security") or None) == SECURITY[name].get(template), (name, template)  # []: open, said so
        assert ("401" in op["responses"]) == bool(op.get("security")), (name, template)
        body = {"json": {}} if method == "post" and template.startswith("/v1") else {}
        refused = client.open(url, method=method.upper(), **body).status_code == 401
        assert refused == bool(op.get("security")), f"{name}: {method} {url} without a credential"
    used = {scheme for op in operations(served) for req in op.get("security", []) for scheme in req}
    assert set(served["components"].get("securitySchemes", {})) == used


def test_every_served_document_is_valid_openapi(configured):
    validate(configured[2])


def test_without_rate_limits_the_document_states_no_rate_limit_headers_nor_429(make_client):
    client = make_client(RATE_LIMIT_ENABLED=0)
    served = client.get("/openapi.json").get_json()
    assert [op for op in operations(served) if "429" in op["responses"]] == []
    assert not {"X-RateLimit-Limit", "Retry-After"} & set(json.dumps(served["paths"]).split('"'))
    assert "X-RateLimit-Limit" not in client.get("/v1/tips").headers
    validate(served)
    with_limits = make_client(RATE_LIMIT_ENABLED=1).get("/openapi.json").get_json()
    assert "429" in with_limits["paths"]["/v1/tips"]["get"]["responses"]


def test_make_run_serves_a_document_without_security(make_client):
    served = make_client().get("/openapi.json").get_json()
    assert [op for op in operations(served) if op.get("security")] == []
    assert "securitySchemes" not in served["components"] or served["components"]["securitySchemes"] == {}


def test_a_server_with_every_credential_serves_the_committed_production_profile(configured):
    name, _, served = configured
    if name == "both":
        assert served == json.loads(COMMITTED.read_text())
    assert PRODUCTION.apply(json.loads(COMMITTED.read_text())) == json.loads(COMMITTED.read_text())


@pytest.fixture(scope="module")
def production():
    return json.loads(COMMITTED.read_text())


def responses(doc):
    for path, method, op in operations(doc, with_path=True):
        for code, response in op["responses"].items():
            while "$ref" in response:
                response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            yield pytest.param(path, str(code), response, id=f"{method.upper()} {path} {code}")


def test_every_response_states_the_rate_limit_and_cors_headers(production):
    for param in responses(production):
        path, code, response = param.values
        headers = response.get("headers", {})
        assert {"Access-Control-Allow-Origin", "Access-Control-Expose-Headers"} <= set(headers), param.id
        if code[0] in "24":
            limit = headers["X-RateLimit-Limit"]["$ref"].rsplit("/", 1)[1]
            assert limit == ("X-RateLimit-Limit" if limited_path(path) else "NotRateLimited"), param.id
        assert ("Retry-After" in headers) == (code == "429"), param.id


def test_every_limited_operation_documents_429(production):
    for path, method, op in operations(production, with_path=True):
        assert ("429" in op["responses"]) == limited_path(path), f"{method} {path}"


@pytest.mark.parametrize("url", sorted(set(OPS.values()) - {"/v1/recommendations"} | {"/problems/not-found", "/"}))
def test_sent_headers_are_the_documented_ones(make_client, production, url):
    client = make_client(RATE_LIMIT_ENABLED=1, RATE_LIMIT="1000 per hour")
    answer = client.get(url, headers={"Origin": "https://app.example.org"})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert ("X-RateLimit-Limit" in answer.headers) == limited_path(url)


def validator(doc, schema):
    return jsonschema.Draft202012Validator(schema | {"components": doc["components"]})


def test_every_200_has_a_full_example_its_schema_accepts(production):
    checked = 0
    for path, method, op in operations(production, with_path=True):
        contents = op["responses"]["200"].get("content")
        assert contents, f"{method} {path}: a 200 without content"
        for kind, media in contents.items():
            assert media.get("example") not in (None, "", [], {}), f"{method} {path} {kind}: no example"
            errors = [e.message for e in validator(production, media["schema"]).iter_errors(media["example"])]
            assert errors == [], f"{method} {path} {kind}"
            checked += 1
    assert checked >= 30


def trimmed_from(example, answer):
    """Whether `example` is `answer` with lists cut to their first items (at most 2), at any depth."""
    if isinstance(answer, list):
        return len(example) == min(2, len(answer)) and all(map(trimmed_from, example, answer))
    if isinstance(answer, dict):
        return example.keys() == answer.keys() and all(trimmed_from(example[k], answer[k]) for k in answer)
    return example == answer


@pytest.mark.parametrize(
    "method, template, url",
    [
        ("get", "/v1/treatments/{treatment_id}", "/v1/treatments/acupuncture"),
        (
            "get",
            "/v1/infobutton",
            "/v1/infobutton?mainSearchCriteria.v.c=M54.31&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90",
        ),
        ("get", "/fhir/Citation/{resource_id}", "/fhir/Citation/S1"),
        ("post", "/v1/recommendations", "/v1/recommendations"),
    ],
)
def test_examples_are_the_services_own_answers_trimmed(client, production, method, template, url):
    op = production["paths"][template][method]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples")
    answer = client.open(url, method=method.upper(), json=next(iter(body.values()))["value"] if body else None)
    example = next(iter(op["responses"]["200"]["content"].values()))["example"]
    assert trimmed_from(example, answer.get_json())
    assert not trimmed_from(example | {"extra": 1}, answer.get_json())  # the comparison can fail
