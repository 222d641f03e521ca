"""Every fixture request through the HTTP API: the expected cards, and the spec's card invariants on every card."""

import re

import jsonschema
import pytest

from service.api.ehr.cds_docs import EXAMPLES
from tests.ehr.conftest import cases

OK = cases(lambda c: c["expect"]["status"] == 200)
INDICATORS = {"info", "warning", "critical"}


def check_invariants(card):
    """The card rules of CDS Hooks 2.0 (the IG's FSH invariants and the field tables)."""
    assert card["uuid"], "uuid present (needed for feedback)"
    assert 0 < len(card["summary"]) < 140 and "\n" not in card["summary"]
    assert card["indicator"] in INDICATORS
    assert card["source"]["label"].strip()
    suggestions = card.get("suggestions")
    if suggestions:
        assert card["selectionBehavior"] in ("at-most-one", "any")
        if card["selectionBehavior"] == "at-most-one":
            assert sum(bool(s.get("isRecommended")) for s in suggestions) <= 1
        for suggestion in suggestions:
            assert suggestion["label"].strip() and suggestion["uuid"]
            for action in suggestion.get("actions", []):
                assert action["description"].strip()
                assert action["type"] in ("create", "update", "delete")
                if action["type"] == "delete":
                    assert action["resourceId"].count("/") == 1 and "resource" not in action
                else:
                    assert "resource" in action
    else:
        assert "selectionBehavior" not in card
    for reason in card.get("overrideReasons", []):
        assert reason["display"].strip() and reason["code"]
    for link in card.get("links", []):
        assert link["type"] in ("absolute", "smart") and link["label"].strip()
        assert link["url"].startswith(("http://", "https://"))
        assert "appContext" not in link or link["type"] == "smart"
    for key, value in card.items():
        assert value not in (None, "", [], {}), f"{key}: the spec forbids null or empty values"


@pytest.fixture(scope="module")
def response_schema(app):
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return {"$ref": "#/components/schemas/CdsResponse", "components": spec["components"]}


@pytest.mark.parametrize("case", cases())
def test_fixture_gets_its_expected_answer(call, case):
    expect = case["expect"]
    response = call(case)
    assert response.status_code == expect["status"], response.get_data(as_text=True)
    if expect["status"] != 200:
        assert response.mimetype == "application/problem+json"
        return
    cards = response.get_json()["cards"]
    assert [c["indicator"] for c in cards] == expect["indicators"]
    summaries = " | ".join(c["summary"] for c in cards).lower()
    details = " | ".join(c.get("detail", "") for c in cards)
    for text in expect.get("summary_contains", []):
        assert text.lower() in summaries
    for text in expect.get("detail_contains", []):
        assert text in details
    for text in expect.get("detail_excludes", []):
        assert text not in details
    actions = [a for c in cards for s in c.get("suggestions", []) for a in s["actions"]]
    deleted = list(dict.fromkeys(a["resourceId"] for a in actions if a["type"] == "delete"))
    assert deleted == expect.get("suggestion_deletes", deleted)
    created = [a["resource"]["resourceType"] for a in actions if a["type"] == "create"]
    assert created == expect.get("suggestion_creates", created)
    recommended = [s["isRecommended"] for c in cards for s in c.get("suggestions", [])]
    assert recommended == expect.get("suggestion_recommended", recommended)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("case", OK)
def test_every_card_keeps_the_spec_invariants(call, case, response_schema):
    body = call(case).get_json()
    jsonschema.validate(body, response_schema)
    for card in body["cards"]:
        check_invariants(card)


@pytest.mark.parametrize(
    "service, example",
    [pytest.param(s, e["value"], id=f"{s}:{n}") for s, ex in EXAMPLES.items() for n, e in ex.items()],
)
def test_documented_examples_answer_with_valid_cards(client, service, example):
    response = client.post(f"/cds-services/{service}", json=example)
    assert response.status_code == 200
    assert response.get_json()["cards"], "each documented example shows a card"
    for card in response.get_json()["cards"]:
        check_invariants(card)


def test_the_invariant_check_catches_broken_cards():
    good = {"uuid": "u", "summary": "s", "indicator": "info", "source": {"label": "x"}}
    check_invariants(good)
    broken = [
        good | {"summary": "x" * 140},
        good | {"indicator": "hard-stop"},
        good | {"suggestions": [{"label": "a", "uuid": "1", "actions": []}]},
        good
        | {"suggestions": [{"label": "a", "uuid": "1", "isRecommended": True}] * 2, "selectionBehavior": "at-most-one"},
        good | {"overrideReasons": [{"code": "c", "display": ""}]},
        good | {"links": [{"label": "l", "url": "https://x", "type": "absolute", "appContext": "{}"}]},
        good
        | {
            "suggestions": [
                {"label": "a", "uuid": "1", "actions": [{"type": "delete", "description": "d", "resource": {}}]}
            ],
            "selectionBehavior": "any",
        },
    ]
    for card in broken:
        with pytest.raises((AssertionError, KeyError)):
            check_invariants(card)


def _patient_sentences(kb):
    """The patient wording of every rule and evidence block that has clinician wording beside it."""
    out = {r.reason.get_text() for t in kb.treatments for r in t.rules if r.clinician is not None}
    out |= {t.evidence.summary.get_text() for t in kb.treatments if t.evidence.clinician is not None}
    out |= {c.reason.get_text() for c in kb.combinations if c.clinician is not None}
    return out


@pytest.mark.parametrize("case", OK)
def test_cards_speak_to_clinicians_in_clinician_wording(call, case, kb):
    """A card shows a rule, a grade or a combination in its clinician wording, never the sentence written for patients."""
    details = " | ".join(c.get("detail", "") for c in call(case).get_json()["cards"])
    assert [s for s in _patient_sentences(kb) if s in details] == []


R4B = {"ServiceRequest": "fhir.resources.R4B.servicerequest"}


@pytest.mark.parametrize("case", OK)
def test_every_proposed_order_is_valid_fhir_r4b(call, case):
    """A card that proposes an order carries a resource an EHR can take as it is."""
    created = [
        a["resource"]
        for c in call(case).get_json()["cards"]
        for s in c.get("suggestions", [])
        for a in s["actions"]
        if a["type"] == "create"
    ]
    for resource in created:
        module = __import__(R4B[resource["resourceType"]], fromlist=["_"])
        model = getattr(module, resource["resourceType"])
        model.model_validate(resource)  # raises on an invalid resource
        assert resource["subject"]["reference"] == f"Patient/{case['request']['context']['patientId']}"


def test_some_fixture_proposes_an_order(call):
    """The R4B check above is not vacuous: at least one fixture's cards create a referral."""
    made = [
        case.id
        for case in OK
        for c in call(case.values[0]).get_json()["cards"]
        for s in c.get("suggestions", [])
        if any(a["type"] == "create" for a in s["actions"])
    ]
    assert made


PLANS = cases(lambda c: c["service"] == "sciatica-patient-view" and c["expect"]["status"] == 200)


@pytest.mark.parametrize("case", PLANS)
def test_a_plan_card_lists_as_many_options_as_its_summary_counts(call, case):
    for card in call(case).get_json()["cards"]:
        counted = re.search(r"(\d+) evidence-graded options fit", card["summary"])
        if counted is None:
            continue  # a red-flag card, not a plan
        listed = len(re.findall(r"^\d+\. \*\*", card["detail"], re.M))
        more = re.search(r"and (\d+) more: ", card["detail"])
        assert listed + (int(more.group(1)) if more else 0) == int(counted.group(1))
