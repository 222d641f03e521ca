"""CDS Hooks over HTTP: discovery, CORS on every route, feedback logging, request errors, body size."""

import json
import logging

import pytest

from tests.ehr.conftest import CASES

SERVICES = ("sciatica-patient-view", "sciatica-order-select", "sciatica-order-sign")
ORIGIN = "https://sandbox.cds-hooks.org"


def test_discovery_lists_the_three_services(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.get_json()["services"]}
    assert set(services) == set(SERVICES)
    assert [services[s]["hook"] for s in SERVICES] == ["patient-view", "order-select", "order-sign"]
    for service in services.values():
        assert service["title"] and service["description"] and service["usageRequirements"]
        prefetch = service["prefetch"]
        assert prefetch["patient"] == "Patient/{{context.patientId}}"
        assert prefetch["conditions"] == "Condition?patient={{context.patientId}}&clinical-status=active"
        assert prefetch["medications"] == "MedicationRequest?patient={{context.patientId}}&status=active"
        assert "82810-3" in prefetch["pregnancy"] and "49051-6" in prefetch["pregnancy"]


@pytest.mark.parametrize(
    "path", ["/cds-services", *(f"/cds-services/{s}" for s in SERVICES), f"/cds-services/{SERVICES[0]}/feedback"]
)
def test_preflight_allows_post_with_authorization(client, path):
    response = client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed and "authorization" in allowed


def test_cors_headers_on_discovery_calls_and_errors(client):
    case = CASES["pv-acute-sciatica"]
    for response in (
        client.get("/cds-services", headers={"Origin": ORIGIN}),
        client.post(f"/cds-services/{SERVICES[0]}", json=case["request"], headers={"Origin": ORIGIN}),
        client.post(
            f"/cds-services/{SERVICES[0]}", json=CASES["pv-missing-conditions"]["request"], headers={"Origin": ORIGIN}
        ),
        client.post(f"/cds-services/{SERVICES[0]}", json={}, headers={"Origin": ORIGIN}),
    ):
        assert response.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN), response.status_code


def test_wrong_hook_for_the_service_is_422(client):
    request = CASES["pv-acute-sciatica"]["request"] | {"hook": "order-sign"}
    response = client.post(f"/cds-services/{SERVICES[0]}", json=request)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "hook"


def test_unknown_service_is_404_and_not_json_is_415(client):
    assert client.post("/cds-services/no-such-service", json={}).status_code == 404
    response = client.post(f"/cds-services/{SERVICES[0]}", data="hook=patient-view", content_type="text/plain")
    assert response.status_code == 415


def test_prefetched_bundles_larger_than_the_v1_limit_are_accepted(call):
    case = json.loads(json.dumps(CASES["pv-acute-sciatica"]))
    filler = {"resourceType": "Condition", "id": "x", "code": {"text": "note " * 4000}}
    case["request"]["prefetch"]["conditions"]["entry"].append({"resource": filler})
    assert len(json.dumps(case["request"])) > 16 * 1024
    assert call(case).status_code == 200


def test_bodies_beyond_the_cds_limit_are_413(make_client):
    client = make_client(CDS_MAX_CONTENT_LENGTH=1024)
    assert len(json.dumps(CASES["pv-acute-sciatica"]["request"])) > 1024
    response = client.post(f"/cds-services/{SERVICES[0]}", json=CASES["pv-acute-sciatica"]["request"])
    assert response.status_code == 413


FEEDBACK = {
    "feedback": [
        {
            "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
            "outcomeTimestamp": "2026-11-20T10:15:00Z",
        },
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "outcomeTimestamp": "2026-11-20T10:16:00.123+01:00",
            "overrideReason": {
                "reason": {"system": "https://x/override", "code": "benefit-outweighs-risk", "display": "Benefit"},
                "userComment": "Patient Jane Doe insists",
            },
        },
    ]
}


def test_feedback_is_accepted_and_logged_without_identifying_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="service.cds"):
        response = client.post(f"/cds-services/{SERVICES[1]}/feedback", json=FEEDBACK)
    assert response.status_code == 200 and response.get_json() == {"received": 2}
    logged = [r.fields for r in caplog.records if r.name == "service.cds"]
    assert logged == [
        {"service": SERVICES[1], "card": FEEDBACK["feedback"][0]["card"], "outcome": "accepted"},
        {"service": SERVICES[1], "card": FEEDBACK["feedback"][1]["card"], "outcome": "overridden"},
    ]
    assert "Jane" not in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        {"feedback": []},
        {"feedback": [{"card": "c", "outcome": "ignored", "outcomeTimestamp": "2026-11-20T10:15:00Z"}]},
        {"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "yesterday"}]},
    ],
)
def test_invalid_feedback_is_422(client, body):
    assert client.post(f"/cds-services/{SERVICES[0]}/feedback", json=body).status_code == 422


def test_feedback_for_an_unknown_service_is_404(client):
    assert client.post("/cds-services/other/feedback", json=FEEDBACK).status_code == 404
