"""Who may call /cds-services and /fhir: nobody needs a credential until one is configured; then an API key, or the
EHR's JWT where issuers are configured; /fhir/metadata stays open. Errors in each area's own format."""

import json
from pathlib import Path

import pytest

from service import create_app
from tests.api.ehr.test_cds_auth import ISS, JWKS, token
from tests.ehr.conftest import CASES

KEY = "ehr-partner-key-1"
CONFIGS = {
    "none": {},
    "keys": {"API_KEYS": KEY},
    "jwt": {"CDS_JWT_ISSUERS": ISS, "CDS_JWKS": json.dumps(JWKS)},
    "both": {"API_KEYS": KEY, "CDS_JWT_ISSUERS": ISS, "CDS_JWKS": json.dumps(JWKS)},
}
PATHS = {
    "cds discovery": ("GET", "/cds-services"),
    "cds call": ("POST", "/cds-services/sciatica-patient-view"),
    "fhir search": ("GET", "/fhir/PlanDefinition"),
    "fhir read": ("GET", "/fhir/ActivityDefinition/staying-active"),
    "fhir unknown": ("GET", "/fhir/Patient/1"),
}
# (configured, credential sent, expected status; None: the route's own answer, 200 or the FHIR 404)
ACCESS = [
    ("none", "nothing", None),
    ("none", "wrong key", None),
    ("keys", "nothing", 401),
    ("keys", "key", None),
    ("keys", "wrong key", 403),
    ("keys", "jwt", 401),  # no issuers configured: a JWT is no credential
    ("jwt", "nothing", 401),
    ("jwt", "jwt", None),
    ("jwt", "bad jwt", 401),
    ("jwt", "key", 401),  # no keys configured: any key is as good as none
    ("both", "nothing", 401),
    ("both", "key", None),
    ("both", "wrong key", 403),
    ("both", "jwt", None),
    ("both", "bad jwt", 401),
    ("both", "key and bad jwt", 401),  # a JWT sent is verified; a key does not rescue it
]
APPS = {name: create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0} | cfg) for name, cfg in CONFIGS.items()}


def credential(kind: str, url: str) -> dict[str, str]:
    return {
        "nothing": {},
        "key": {"X-API-Key": KEY},
        "wrong key": {"X-API-Key": "not-the-key"},
        "jwt": {"Authorization": f"Bearer {token(aud=url)}"},
        "bad jwt": {"Authorization": f"Bearer {token(aud='https://elsewhere.example.org/')}"},
        "key and bad jwt": {"X-API-Key": KEY, "Authorization": f"Bearer {token(aud='https://elsewhere.example.org/')}"},
    }[kind]


def call(configured: str, route: str, sent: str):
    method, path = PATHS[route]
    client = APPS[configured].test_client()
    body = CASES["pv-acute-sciatica"]["request"] if method == "POST" else None
    return client.open(path, method=method, json=body, headers=credential(sent, "http://localhost" + path))


@pytest.mark.parametrize("route", PATHS)
@pytest.mark.parametrize(("configured", "sent", "expected"), ACCESS)
def test_ehr_routes_admit_only_configured_credentials(configured, sent, expected, route):
    response = call(configured, route, sent)
    own = 404 if route == "fhir unknown" else 200
    assert response.status_code == (expected or own), response.get_data(as_text=True)[:300]
    if expected in (401, 403):
        assert response.headers["WWW-Authenticate"]
        if route.startswith("fhir"):
            outcome = response.get_json()
            assert response.mimetype == "application/fhir+json" and outcome["resourceType"] == "OperationOutcome"
            assert outcome["issue"][0]["code"] == {401: "login", 403: "forbidden"}[expected]
        else:
            assert response.mimetype == "application/problem+json" and response.get_json()["status"] == expected


@pytest.mark.parametrize("configured", CONFIGS)
def test_fhir_metadata_stays_open(configured):
    assert APPS[configured].test_client().get("/fhir/metadata").status_code == 200


def test_a_throttled_fhir_call_answers_an_operation_outcome():
    client = create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "1 per minute"}).test_client()
    assert client.get("/fhir/PlanDefinition").status_code == 200
    throttled = client.get("/fhir/PlanDefinition")
    assert throttled.status_code == 429 and throttled.mimetype == "application/fhir+json"
    assert throttled.get_json()["issue"][0]["code"] == "throttled"
    assert int(throttled.headers["Retry-After"]) > 0 and throttled.headers["X-RateLimit-Remaining"] == "0"


@pytest.mark.parametrize(
    ("path", "schemes"),
    [
        ("/fhir/PlanDefinition", [{"CdsHooksJwt": []}, {"ApiKeyAuth": []}]),
        ("/cds-services", [{"CdsHooksJwt": []}, {"ApiKeyAuth": []}]),
        ("/fhir/metadata", None),
        ("/v1/tips", [{"ApiKeyAuth": []}]),
    ],
)
def test_the_spec_states_each_route_credentials_and_throttling(path, schemes):
    """The committed document is the production profile; a server narrows it (tests/api/test_served_spec.py)."""
    spec = json.loads((Path(__file__).parents[3] / "openapi" / "openapi.json").read_text())
    operation = spec["paths"][path]["get"]
    assert operation.get("security") == schemes
    assert "429" in operation["responses"]
    assert ("401" in operation["responses"]) == (schemes is not None)
