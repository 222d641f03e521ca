"""The engine against a table of scenarios kept as data: one YAML file per scenario in scenarios/.

Each scenario was written as a sceptical clinician would, from ../shared/reference/clinical-evidence.md, and says
why (`reason`) and on which section of the evidence notes it rests (`section`).
"""

from pathlib import Path

import pytest
import yaml

from service.engine.models import Report
from service.schemas.report import RecommendationRequestSchema

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))
REQUEST = RecommendationRequestSchema()


def report_of(data: dict) -> Report:
    """A Report from a scenario's `report` mapping, read by the request schema exactly as POST /v1/recommendations
    reads a body (absent or null = not answered; an unknown field or value fails the scenario)."""
    return REQUEST.load(data)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_there_are_enough_scenarios_and_each_says_why():
    assert len(SCENARIOS) >= 250
    for path in SCENARIOS:
        case = load(path)
        assert case.get("reason") and case.get("description"), path.name
        assert "§" in str(case.get("section", "")), f"{path.name}: section of clinical-evidence.md"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, engine):
    case = load(path)
    report = report_of(case.get("report", {}))
    expect = case["expect"]
    problems = engine.check(report)
    if "refused" in expect:
        named = {field for field, _ in problems}
        assert problems, "an impossible report must be refused"
        assert set(expect["refused"]) <= named, f"refusal names {sorted(named)}"
        return
    assert problems == []
    result = engine.recommend(report)
    recommended = [r.treatment.id for r in result.recommendations]
    by_id = {r.treatment.id: r for r in result.recommendations}
    excluded = {e.treatment.id: {r.code for r in e.reasons} for e in result.excluded}
    tips = {t.tip.id for t in result.tips}
    disclaimers = {d.id for d in result.disclaimers}

    assert result.triage.level.value == expect["level"], [r.text for r in result.triage.reasons]
    for tid in expect.get("recommend", []):
        assert tid in recommended, f"{tid} not recommended: {excluded.get(tid)}"
    for tid in expect.get("exclude", []):
        assert tid in excluded, f"{tid} should be excluded; rank {recommended.index(tid) + 1}"
    for tid, code in expect.get("exclude_because", {}).items():
        assert code in excluded.get(tid, set()), f"{tid}: expected {code}, got {excluded.get(tid)}"
    for tid in expect.get("clinician", []):
        assert tid in by_id and by_id[tid].clinician_needed, f"{tid}: recommended with a clinician flag"
    for first, later in expect.get("ranked_before", []):
        assert recommended.index(first) < recommended.index(later)
    if "first" in expect:
        assert recommended[0] == expect["first"]
    for tid, factor in expect.get("caution", {}).items():
        assert tid in by_id, f"{tid} not recommended: {excluded.get(tid)}"
        assert factor in {c.factor for c in by_id[tid].cautions}
    assert set(expect.get("disclaimers", [])) <= disclaimers
    assert not set(expect.get("no_disclaimers", [])) & disclaimers
    assert set(expect.get("tips", [])) <= tips
    assert not set(expect.get("no_tips", [])) & tips
    if expect.get("no_recommendations"):
        assert recommended == []
    if "unanswered" in expect:
        assert set(result.unanswered) == set(expect["unanswered"])
