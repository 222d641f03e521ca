"""POST /v1/recommendations over HTTP: contract, validation errors, no-store, and nothing reported in the logs."""

import json
import logging

import pytest

from service.api.examples import REQUEST_EXAMPLES

URL = "/v1/recommendations"


def post(client, body, **kwargs):
    return client.post(URL, json=body, **kwargs)


@pytest.mark.parametrize("name", REQUEST_EXAMPLES)
def test_documented_examples_give_safe_explained_answers(client, name):
    r = post(client, REQUEST_EXAMPLES[name]["value"])
    assert r.status_code == 200, r.json
    body = r.json
    assert r.headers["Cache-Control"] == "no-store"
    assert body["content_version"] and body["disclaimers"] and body["trace"]
    assert "general" in {d["id"] for d in body["disclaimers"]}
    for item in body["recommendations"]:
        assert item["reasons"] and item["link"] == f"/v1/treatments/{item['treatment_id']}"
        assert {"certainty", "direction", "strength"} <= set(item["evidence"])
    assert all(e["reasons"] for e in body["excluded"])


@pytest.mark.parametrize(
    "name, level, must_exclude",
    [
        ("acute-uncomplicated", "self_care", {"bed-rest"}),
        ("pregnant", "self_care", {"nsaids", "aspirin"}),
        ("anticoagulated", "self_care", {"nsaids", "ginkgo-biloba"}),
        ("chronic-after-physio", "consult", {"acupuncture"}),
        ("cauda-equina", "emergency", set()),
    ],
)
def test_examples_decide_as_a_clinician_would(client, name, level, must_exclude):
    body = post(client, REQUEST_EXAMPLES[name]["value"]).json
    assert body["triage"]["level"] == level
    assert must_exclude <= {e["treatment_id"] for e in body["excluded"]}
    if level == "emergency":
        assert body["recommendations"] == [] and body["tips"] == []


def test_same_input_gives_byte_identical_output(client):
    body = REQUEST_EXAMPLES["chronic-after-physio"]["value"]
    assert post(client, body).data == post(client, body).data


def test_nothing_reported_still_gives_a_safe_answer(client):
    body = post(client, {}).json
    assert body["red_flags_screened"] is False and body["red_flag_checklist"]
    assert "not-screened" in {d["id"] for d in body["disclaimers"]}
    assert body["stage"] == "acute" and body["stage_assumed"] is True


@pytest.mark.parametrize(
    "body, field",
    [
        ({"age": 121}, "age"),
        ({"age": -1}, "age"),
        ({"age": 40.5}, "age"),
        ({"age": "40"}, "age"),
        ({"pain_severity": 11}, "pain_severity"),
        ({"symptom_duration_days": -3}, "symptom_duration_days"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"pregnancy_weeks": 20}, "pregnancy_weeks"),
        ({"pregnant": True, "pregnancy_weeks": 43}, "pregnancy_weeks"),
        ({"conditions": ["kidney"]}, "conditions.0"),
        ({"medications": ["kidney-disease"]}, "medications.0"),
        ({"avoid": ["chocolate"]}, "avoid.0"),
        ({"red_flags": ["headache"]}, "red_flags.0"),
        ({"tried": [{"treatment_id": "magic", "outcome": "helped"}]}, "tried.0.treatment_id"),
        ({"tried": [{"treatment_id": "massage", "outcome": "great"}]}, "tried.0.outcome"),
        ({"tried": [{"treatment_id": "massage"}]}, "tried.0.outcome"),
        ({"jurisdiction": "Texas"}, "jurisdiction"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"conditions": "kidney-disease"}, "conditions"),
        ({"conditions": ["x"] * 51}, "conditions"),
    ],
)
def test_invalid_field_is_a_422_naming_it(client, body, field):
    r = post(client, body)
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert field in [e["field"] for e in r.json["errors"]], r.json
    assert field in r.json["detail"]


def test_unknown_id_points_to_the_vocabulary(client):
    r = post(client, {"conditions": ["kidney"]})
    assert "/v1/factors" in r.json["errors"][0]["message"]


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ("{not json", "application/json", 400),
        ("age=40", "application/x-www-form-urlencoded", 415),
        ('{"age": 40}', "text/plain", 415),
        ("[1, 2]", "application/json", 422),
        ("null", "application/json", 422),
        ('{"age": NaN}', "application/json", 422),
        ("[" * 5000 + "]" * 5000, "application/json", 400),
        ('{"tried": ' + '{"a":' * 2000 + "1" + "}" * 2001, "application/json", 400),
        (json.dumps({"conditions": ["a" * 60] * 300}), "application/json", 413),
    ],
    ids=["malformed", "form", "text", "array", "null", "nan", "deep-array", "deep-object", "oversized"],
)
def test_bad_bodies_are_4xx_problems_never_500(client, data, content_type, status):
    r = client.post(URL, data=data, content_type=content_type)
    assert r.status_code == status, r.data[:300]
    assert r.mimetype == "application/problem+json"
    assert r.json["status"] == status and r.json["request_id"]


def test_wrong_method_is_405_with_allow(client):
    r = client.get(URL)
    assert r.status_code == 405 and "POST" in r.headers["Allow"]
    assert r.mimetype == "application/problem+json"


def test_request_id_is_echoed_when_well_formed(client):
    r = post(client, {}, headers={"X-Request-ID": "app-1234-abcd"})
    assert r.headers["X-Request-ID"] == "app-1234-abcd"
    bad = post(client, {"age": 500}, headers={"X-Request-ID": "<script>"})
    assert bad.headers["X-Request-ID"] != "<script>" and bad.json["request_id"] == bad.headers["X-Request-ID"]


def test_reported_values_never_reach_the_logs(client, caplog):
    marker = {
        "age": 47,
        "symptom_duration_days": 4321,
        "pain_severity": 9,
        "conditions": ["psychosis-history", "substance-use-disorder"],
        "medications": ["benzodiazepine"],
        "pregnant": True,
        "pregnancy_weeks": 37,
        "jurisdiction": "US-ID",
        "tried": [{"treatment_id": "opioids", "weeks": 29, "outcome": "side_effects"}],
        "red_flags": ["past-cancer"],
        "red_flags_screened": True,
    }
    with caplog.at_level(logging.DEBUG):
        assert post(client, marker).status_code == 200
        assert post(client, marker | {"conditions": ["made-up-condition-xyz"]}).status_code == 422
        assert (
            client.post(URL, data='{"age": 87, "x": "secret-4321', content_type="application/json").status_code == 400
        )
    text = "\n".join(r.getMessage() + " " + json.dumps(getattr(r, "fields", {})) for r in caplog.records)
    assert caplog.records, "the access log should have written something"
    for value in (
        "4321",
        "psychosis",
        "substance-use",
        "benzodiazepine",
        "US-ID",
        "opioids",
        "past-cancer",
        "made-up-condition-xyz",
        "secret",
    ):
        assert value not in text


COMPLETE = REQUEST_EXAMPLES["acute-uncomplicated"]["value"]


@pytest.mark.parametrize(
    "change, fields",
    [
        pytest.param({"age": 3, "pregnant": True}, {"age", "pregnant"}, id="pregnant-at-3"),
        pytest.param({"age": 80, "pregnant": True}, {"age", "pregnant"}, id="pregnant-at-80"),
        pytest.param({"age": 4, "breastfeeding": True}, {"age", "breastfeeding"}, id="breastfeeding-at-4"),
        pytest.param(
            {"age": 5, "conditions": ["could-become-pregnant"]}, {"age", "conditions.0"}, id="child-bearing-5"
        ),
        pytest.param(
            {"age": 5, "symptom_duration_days": 4000}, {"age", "symptom_duration_days"}, id="longer-than-life"
        ),
        pytest.param(
            {
                "symptom_duration_days": 10,
                "tried": [{"treatment_id": "physical-therapy", "weeks": 20, "outcome": "no_change"}],
            },
            {"tried.0.weeks", "symptom_duration_days"},
            id="trial-longer-than-symptoms",
        ),
    ],
)
def test_impossible_reports_are_refused_naming_both_fields(client, change, fields):
    r = post(client, COMPLETE | change)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert fields <= {e["field"] for e in r.json["errors"]}, r.json


@pytest.mark.parametrize(
    "field", ["age", "symptom_duration_days", "pain_severity", "pregnant", "breastfeeding", "conditions", "medications"]
)
def test_null_or_absent_means_not_answered_and_is_read_the_safer_way(client, field):
    sent_null = post(client, COMPLETE | {field: None}).json
    left_out = post(client, {k: v for k, v in COMPLETE.items() if k != field}).json
    answered = post(client, COMPLETE).json
    assert sent_null == left_out
    assert field in sent_null["unanswered"] and answered["unanswered"] == []
    assert "unanswered" in {d["id"] for d in sent_null["disclaimers"]}
    offered = {r["treatment_id"] for r in sent_null["recommendations"]}
    assert offered <= {r["treatment_id"] for r in answered["recommendations"]}


@pytest.mark.parametrize(
    "body, fields",
    [
        pytest.param(  # the case: the unknown treatment was only reported once the outcome was fixed
            {"tried": [{"treatment_id": "massage", "outcome": "great"}, {"treatment_id": "magic", "outcome": "worse"}]},
            ["tried.0.outcome", "tried.1.treatment_id"],
            id="bad-outcome-and-unknown-treatment",
        ),
        pytest.param(
            {"age": -1, "conditions": ["kidney", "not an id!", "kidney-disease"], "avoid": ["chocolate"]},
            ["age", "conditions.1", "conditions.0", "avoid.0"],
            id="bad-age-bad-id-and-unknown-ids-keep-their-index",
        ),
        pytest.param(
            {"pregnant": "yes", "pregnancy_weeks": 20, "red_flags": ["headache"]},
            ["pregnant", "red_flags.0", "pregnancy_weeks"],
            id="bad-pregnant-weeks-without-pregnant-and-unknown-flag",
        ),
        pytest.param(
            {"tried": ["massage", {"treatment_id": "magic", "outcome": "helped"}], "jurisdiction": "Texas"},
            ["tried.0", "jurisdiction", "tried.1.treatment_id"],
            id="tried-item-not-an-object",
        ),
        pytest.param(
            {"age": "40", "symptom_duration_days": 4000, "tried": [{"treatment_id": "massage", "weeks": 1000}]},
            ["age", "tried.0.weeks", "tried.0.outcome"],
            id="a-bad-field-is-not-also-checked-against-the-others",
        ),
    ],
)
def test_every_error_of_a_report_is_reported_in_one_answer(client, body, fields):
    r = post(client, body)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.json["errors"]] == fields, r.json


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"conditions": ["kidney disease"]}, "conditions.0", "Must be an id: letters, digits and hyphens, up to 64"),
        ({"tried": [{"treatment_id": "-x", "outcome": "helped"}]}, "tried.0.treatment_id", "e.g. physical-therapy"),
        ({"jurisdiction": "us-tx"}, "jurisdiction", "an ISO 3166 code such as US or US-TX"),
        ({"age": 40.5}, "age", "Must be a whole number from 0 to 120"),
        ({"pain_severity": 11}, "pain_severity", "Must be a whole number from 0 to 10."),
        ({"pregnant": "yes"}, "pregnant", "Must be true, false or null"),
        ({"breastfeeding": 0}, "breastfeeding", "Must be true, false or null"),
        ({"red_flags_screened": 1}, "red_flags_screened", "Must be true, false or null"),
        ({"avoid": "surgery"}, "avoid", "Must be a list of ids"),
        ({"red_flags": ["saddle-numbness"] * 51}, "red_flags", "At most 50 items."),
        ({"tried": [1]}, "tried.0", "Must be an object with treatment_id, outcome and weeks."),
    ],
)
def test_messages_say_what_format_is_expected(client, body, field, message):
    errors = {e["field"]: e["message"] for e in post(client, body).json["errors"]}
    assert message in errors[field], errors


OPTIONAL = ["age", "symptom_duration_days", "pain_severity", "red_flags", "red_flags_screened", "pregnant",
            "pregnancy_weeks", "breastfeeding", "conditions", "medications", "tried", "avoid", "jurisdiction"]  # fmt: skip


@pytest.mark.parametrize("field", OPTIONAL)
def test_null_is_accepted_for_every_optional_field_as_not_answered(client, field):
    every = COMPLETE | {"tried": [], "avoid": [], "jurisdiction": "GB"}
    sent_null = post(client, every | {field: None})
    assert sent_null.status_code == 200, sent_null.json
    assert sent_null.json == post(client, {k: v for k, v in every.items() if k != field}).json


def test_null_weeks_of_a_try_means_not_known(client):
    r = post(client, {"tried": [{"treatment_id": "massage", "outcome": "helped", "weeks": None}]})
    left_out = post(client, {"tried": [{"treatment_id": "massage", "outcome": "helped"}]})
    assert r.status_code == 200 and r.json == left_out.json
