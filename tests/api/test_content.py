"""Content endpoints: shapes, filters, 404s, content version, ETags and deterministic order."""

import pytest

LISTS = [
    "/v1/treatments",
    "/v1/tips",
    "/v1/red-flags",
    "/v1/factors",
    "/v1/sources",
    "/v1/disclaimers",
    "/v1/questionnaire",
]
OBJECTS = ["/v1/condition", "/v1/evidence-levels", "/v1/meta", "/v1/treatments/nsaids", "/v1/sources/S1", "/"]


@pytest.mark.parametrize("path", LISTS)
def test_list_endpoints_return_items(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert isinstance(r.json, list) and r.json


@pytest.mark.parametrize("path", LISTS + OBJECTS)
def test_every_response_states_content_version_and_is_cacheable(client, kb, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["X-Content-Version"] == kb.content_version
    if path != "/":
        assert r.headers["ETag"] and "public" in r.headers["Cache-Control"]


@pytest.mark.parametrize("path", LISTS + OBJECTS[:-1])
def test_if_none_match_gives_304(client, path):
    etag = client.get(path).headers["ETag"]
    r = client.get(path, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b"" and r.headers["ETag"] == etag


@pytest.mark.parametrize("path", LISTS)
def test_order_is_deterministic(client, path):
    assert client.get(path).data == client.get(path).data


@pytest.mark.parametrize(
    "query, check",
    [
        ("category=medication", lambda t: t["category"] == "medication"),
        ("stage=chronic", lambda t: "chronic" in t["stages"]),
        ("min_certainty=moderate", lambda t: t["evidence"]["certainty"] in ("high", "moderate")),
        ("direction=against", lambda t: t["evidence"]["direction"] == "against"),
        ("requires_clinician=true", lambda t: t["requires_clinician"] is True),
        (
            "requires_clinician=false&category=exercise",
            lambda t: not t["requires_clinician"] and t["category"] == "exercise",
        ),
    ],
)
def test_treatment_filters(client, query, check):
    items = client.get(f"/v1/treatments?{query}").json
    everything = client.get("/v1/treatments").json
    assert items and all(check(t) for t in items)
    assert [t["id"] for t in everything if check(t)] == [t["id"] for t in items]


def test_summary_and_full_views(client):
    summary = client.get("/v1/treatments").json[0]
    full = client.get("/v1/treatments?view=full").json[0]
    assert "details" not in summary and "evidence" in summary
    assert set(summary) < set(full)
    assert client.get(f"/v1/treatments/{full['id']}").json == full


def test_full_treatment_has_graded_evidence_and_review_dates(client):
    t = client.get("/v1/treatments/nsaids").json
    assert {"certainty", "direction", "strength", "scope", "summary", "source_grades"} <= set(t["evidence"])
    assert t["drugs"] and t["drugs"][0]["rxnorm"].isdigit()
    assert t["cautions"] and {"factor", "level", "reason", "sources"} <= set(t["cautions"][0])
    assert t["last_reviewed"] < t["next_review_due"]


def test_factors_filter_by_kind(client):
    items = client.get("/v1/factors?kind=preference").json
    assert items and {f["kind"] for f in items} == {"preference"}


def test_meta_counts_match_lists(client):
    meta = client.get("/v1/meta").json
    assert meta["counts"]["treatments"] == len(client.get("/v1/treatments").json)
    assert meta["counts"]["red_flags"] == len(client.get("/v1/red-flags").json)


def test_questionnaire_asks_red_flags_first(client, kb):
    questions = client.get("/v1/questionnaire").json
    flags = [q for q in questions if q["field"] == "red_flags"]
    assert len(flags) == sum(len(f.questions) for f in kb.red_flags)  # one entry per question, each asks one thing
    assert {q["value"] for q in flags} == {f.id for f in kb.red_flags}
    assert len({q["id"] for q in flags}) == len(flags)
    assert all(q["prompt"].count("?") == 1 for q in flags)
    assert questions[: len(flags)] == flags
    fields = {q["field"] for q in questions}
    assert {
        "age",
        "symptom_duration_days",
        "pregnant",
        "conditions",
        "medications",
        "tried",
        "avoid",
        "jurisdiction",
    } <= fields
    conditions = next(q for q in questions if q["field"] == "conditions")
    assert any(o["value"] == "kidney-disease" for o in conditions["options"])


@pytest.mark.parametrize("path", ["/v1/treatments/not-a-thing", "/v1/sources/S999", "/v1/nowhere"])
def test_unknown_id_is_a_404_problem(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    body = r.json
    assert body["status"] == 404 and body["instance"] == path and body["request_id"] and body["title"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("colour=red", "colour"),
        ("category=potion", "category"),
        ("min_certainty=sure", "min_certainty"),
        ("requires_clinician=perhaps", "requires_clinician"),
        ("view=huge", "view"),
    ],
)
def test_bad_query_is_a_422_naming_it(client, query, field):
    r = client.get(f"/v1/treatments?{query}")
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.json["errors"]] == [field]
    assert r.json["errors"][0]["location"] == "query"


@pytest.mark.parametrize("path", ["/v1/tips?x=1", "/v1/meta?debug=true", "/v1/treatments/nsaids?lang=xx"])
def test_endpoints_without_parameters_reject_unknown_ones(client, path):
    assert client.get(path).status_code == 422


def test_docs_page_and_assets_are_served_locally(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert client.get(f"/docs/assets/{asset}").status_code == 200


def test_root_points_to_docs_and_spec(client):
    body = client.get("/").json
    assert body["docs"] == "/docs" and body["openapi"] == "/openapi.json"


def test_meta_counts_how_the_safety_rules_are_sourced(client):
    claims = client.get("/v1/meta").json["claims"]
    assert claims["rules"] == claims["verified"] + claims["second_hand"] + claims["clinical_convention"]
    assert claims["rules"] > 150 and claims["clinical_convention"] > 0  # the unverified ones are counted, not hidden


def test_each_rule_says_what_backs_it(client, kb):
    sources = {s["id"]: s for s in client.get("/v1/sources").json}
    seen = set()
    for t in client.get("/v1/treatments?view=full").json:
        for rule in t["cautions"]:
            seen.add(rule["basis"])
            assert rule["clinician"]
            if rule["basis"] == "clinical-convention":
                assert rule["sources"] == [] and rule["verified"] is False
            else:
                assert rule["sources"] and rule["verified"] == any(sources[s]["verified"] for s in rule["sources"])
    assert seen == {"source", "clinical-convention"}


def test_red_flags_ask_one_thing_per_question(client):
    for flag in client.get("/v1/red-flags").json:
        assert flag["questions"] and all(q.count("?") == 1 for q in flag["questions"])
        assert flag["question"] == " ".join(flag["questions"])  # the deprecated single string, kept for old apps


def test_opioid_evidence_is_graded_by_stage(client):
    evidence = client.get("/v1/treatments/opioids").json["evidence"]
    assert evidence["direction"] == "no_recommendation"
    assert [(e["stages"], e["direction"]) for e in evidence["by_stage"]] == [(["chronic"], "against")]
