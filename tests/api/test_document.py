"""What the document states from the loaded data is what the service accepts: every id a report field lists as an
enum is read, a value outside it is refused; the prefetch a hook call must carry is required exactly when the
server does not fetch from the EHR."""

import pytest

from tests.ehr.conftest import cases

FIELDS = ["red_flags", "conditions", "medications", "avoid"]
CHUNK = 50  # the report's list bound


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/openapi.json").get_json()


def enum_of(document, field):
    schemas = document["components"]["schemas"]
    if field == "tried":
        return schemas["Tried"]["properties"]["treatment_id"]["enum"]
    return schemas["RecommendationRequest"]["properties"][field]["items"]["enum"]


def report(field, values):
    """A report naming `values` in `field` that no age or duration rule can contradict."""
    if field == "tried":
        return {"symptom_duration_days": 400, "tried": [{"treatment_id": v, "outcome": "helped"} for v in values]}
    return {field: values}


@pytest.mark.parametrize("field", [*FIELDS, "tried"])
def test_every_listed_value_is_accepted(document, client, field):
    values = enum_of(document, field)
    assert values and len(values) == len(set(values))
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        response = client.post("/v1/recommendations", json=report(field, chunk))
        assert response.status_code == 200, (field, chunk, response.get_json())


@pytest.mark.parametrize(
    "field, value",
    [
        ("red_flags", "no-such-flag"),
        ("conditions", "anticoagulant"),  # a medicine class is not a condition
        ("medications", "kidney-disease"),  # nor a condition a medicine
        ("medications", "99999999"),  # an RxNorm code the code map does not hold
        ("avoid", "kidney-disease"),
        ("tried", "no-such-option"),
    ],
)
def test_a_value_outside_the_list_is_refused_naming_it(document, client, field, value):
    assert value not in enum_of(document, field)
    response = client.post("/v1/recommendations", json=report(field, [value]))
    assert response.status_code == 422
    named = [e["field"] for e in response.get_json()["errors"]]
    assert named == [f"{field}.0.treatment_id" if field == "tried" else f"{field}.0"]


@pytest.mark.parametrize("fetching", [False, True], ids=["no-fetching", "fetching"])
def test_hook_requests_require_their_prefetch_keys_only_without_fetching(make_client, fetching):
    config = {"FHIR_SERVERS": "https://ehr.example.org/fhir"} if fetching else {}
    schemas = make_client(**config).get("/openapi.json").get_json()["components"]["schemas"]
    for name, keys in [
        ("CdsPatientViewRequest", ["conditions"]),
        ("CdsOrderSignRequest", ["conditions", "medications"]),
    ]:
        stated = [(s["required"], s["properties"]["prefetch"]["required"]) for s in schemas[name].get("allOf", [])]
        assert stated == ([] if fetching else [(["prefetch"], keys)]), name


@pytest.mark.parametrize("case", cases(lambda c: c["expect"]["status"] == 200))
def test_a_call_without_a_required_prefetch_key_is_412_naming_it(client, case):
    body = case["request"]
    needed = ["conditions"] if body["hook"] == "patient-view" else ["conditions", "medications"]
    for key in needed:
        prefetch = {k: v for k, v in (body.get("prefetch") or {}).items() if k != key}
        response = client.post(f"/cds-services/{case['service']}", json=body | {"prefetch": prefetch})
        assert response.status_code == 412 and key in response.get_json()["detail"], (key, response.get_json())
