"""GET /v1/medicines over HTTP, and POST /v1/recommendations reading medicines by name, brand or RxNorm code."""

import json
import logging

import pytest

URL = "/v1/medicines"
REPORT = {
    "age": 67,
    "symptom_duration_days": 9,
    "pain_severity": 5,
    "red_flags_screened": True,
    "pregnant": False,
    "breastfeeding": False,
    "conditions": [],
}


def find(client, **params):
    return client.get(URL, query_string=params)


@pytest.mark.parametrize(
    "q, names, matched",
    [
        pytest.param("warfarin", ["warfarin"], "name", id="name"),
        pytest.param("wArFaRiN", ["warfarin"], "name", id="mixed-case"),
        pytest.param("jant", ["Jantoven"], "brand", id="brand-prefix"),
        pytest.param("11289", ["warfarin"], "rxnorm", id="ingredient-code"),
        pytest.param("1243440", ["8 HR Acetaminophen 650 MG Extended Release Oral Tablet [Tylenol]"], "rxnorm",
                     id="branded-drug-code"),
        pytest.param("gabap", ["gabapentin"], "name", id="name-prefix"),
        pytest.param("zzqx", [], None, id="unknown-name"),
        pytest.param("000000", [], None, id="unknown-code"),
    ],
)  # fmt: skip
def test_lookup_answers_with_the_classes_the_report_reads(client, q, names, matched):
    r = find(client, q=q)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Cache-Control"] == "no-store" and "ETag" not in r.headers
    assert [m["name"] for m in r.json] == names
    assert all(m["matched"] == matched for m in r.json)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="missing"),
        pytest.param({"q": "w"}, id="too-short"),
        pytest.param({"q": "w" * 65}, id="too-long"),
        pytest.param({"q": "warfarin", "kind": "x"}, id="unknown-parameter"),
    ],
)
def test_a_bad_query_is_a_422_problem_naming_the_parameter(client, params):
    r = find(client, **params)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert {e["field"] for e in r.json["errors"]} == {"kind" if "kind" in params else "q"}


def test_what_is_looked_up_never_reaches_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        assert find(client, q="Sertraline").status_code == 200
        assert find(client, q="36437").status_code == 200
        assert find(client, q="x" * 70).status_code == 422
    text = "\n".join(r.getMessage() + " " + json.dumps(getattr(r, "fields", {})) for r in caplog.records)
    assert "/v1/medicines" in text, "the access log should have written the route"
    assert "sertraline" not in text.casefold() and "36437" not in text and "xxx" not in text


def recommend(client, medications):
    return client.post("/v1/recommendations", json=REPORT | {"medications": medications})


def test_warfarin_by_class_code_name_or_brand_gives_the_same_answer(client):
    answers = [recommend(client, m) for m in (["anticoagulant"], ["11289"], ["Warfarin"], ["Coumadin"])]
    assert [a.status_code for a in answers] == [200] * 4
    assert all(a.data == answers[0].data for a in answers)
    assert {"nsaids", "aspirin"} <= {e["treatment_id"] for e in answers[0].json["excluded"]}
    assert answers[0].data != recommend(client, ["paracetamol"]).data


@pytest.mark.parametrize(
    "medications, fields",
    [
        pytest.param(["warfarin", "anticoagulant", "99999999"], ["medications.2"], id="unknown-code"),
        pytest.param(["warf"], ["medications.0"], id="a-prefix-is-not-a-name"),
        pytest.param(["Advil", "made up pill", "kidney-disease"], ["medications.1", "medications.2"], id="two"),
        pytest.param(["<script>"], ["medications.0"], id="not-a-name"),
    ],
)
def test_an_unknown_medicine_is_a_422_naming_the_item(client, medications, fields):
    r = recommend(client, medications)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.json["errors"]] == fields


@pytest.mark.parametrize("q", ["ox", "tyl", "pred", "7804", "1491834", "St. Jo", "excedrin back"])
def test_each_medicine_found_sent_in_a_report_is_read_as_its_classes(client, q):
    for found in find(client, q=q).json:
        sent = recommend(client, [found["rxnorm"] or found["name"]])
        by_class = recommend(client, found["classes"])
        assert sent.status_code == 200, (found, sent.json)
        assert sent.data == by_class.data, found["name"]
