"""GET /v1/safety/hazards: the published hazard log is the loaded one, with ratings from its own risk matrix."""

import pytest

from service.engine.hazards import Likelihood, Severity
from service.engine.models import RULES

URL = "/v1/safety/hazards"


def test_the_hazard_log_is_served_whole_with_ratings_from_its_matrix(client, kb):
    r = client.get(URL)
    assert r.status_code == 200 and r.headers["ETag"] and "max-age" in r.headers["Cache-Control"]
    body = r.json
    matrix = body["risk_matrix"]
    assert matrix["likelihood"] == [x.value for x in Likelihood] and matrix["severity"] == [x.value for x in Severity]
    assert [h["id"] for h in body["hazards"]] == [h.id for h in kb.hazards]
    for served, h in zip(body["hazards"], kb.hazards, strict=True):
        for risk, (likelihood, severity) in (
            ("initial", (h.likelihood, h.severity)),
            ("residual", (h.residual_likelihood, h.residual_severity)),
        ):
            row, column = list(Likelihood).index(likelihood), list(Severity).index(severity)
            assert served[risk]["rating"] == matrix["ratings"][row][column]
        assert served["controls"] and served["verification"]
        assert served["residual"]["rating"] <= served["initial"]["rating"]


def test_rule_controls_name_rules_the_engine_traces(kb):
    for h in kb.hazards:
        for c in h.controls:
            if c.kind.value == "rule":
                assert c.ref in RULES


@pytest.mark.parametrize("hazard_id, status", [("HAZ-01", 200), ("HAZ-99", 404)])
def test_one_hazard_or_a_problem(client, hazard_id, status):
    r = client.get(f"{URL}/{hazard_id}")
    assert r.status_code == status
    if status == 404:
        assert r.mimetype == "application/problem+json" and "HAZ-99" in r.json["detail"]
    else:
        assert r.json["id"] == hazard_id


def test_the_log_covers_every_failure_class_of_the_review(kb):
    """Issue 11's eight failure classes, and the areas a safety officer asks for, each have a hazard."""
    classes = {c for h in kb.hazards for c in h.classes}
    assert {str(n) for n in range(1, 9)} <= classes
    assert {"red flags", "contraindications", "data entry", "stale content", "ehr data gaps"} <= classes
