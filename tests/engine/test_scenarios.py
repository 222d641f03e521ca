"""The engine against a table of scenarios kept as data: one YAML file per scenario in scenarios/."""

from pathlib import Path

import pytest
import yaml

from service.engine import check_report, recommend
from service.engine.models import Outcome, Report, Tried

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


def report_of(data: dict) -> Report:
    """A Report from a scenario's `report` mapping (same names as the HTTP request)."""
    data = dict(data)
    data["tried"] = tuple(
        Tried(t["treatment_id"], Outcome(t["outcome"]), t.get("weeks")) for t in data.get("tried", [])
    )
    for key in ("red_flags", "conditions", "medications", "avoid"):
        data[key] = tuple(data.get(key, ()))
    return Report(**data)


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 60


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, kb):
    case = yaml.safe_load(path.read_text())
    report = report_of(case.get("report", {}))
    assert check_report(report, kb) == []
    result = recommend(report, kb)
    expect = case["expect"]
    recommended = [r.treatment.id for r in result.recommendations]
    excluded = {e.treatment.id: {r.code for r in e.reasons} for e in result.excluded}

    assert result.triage.level.value == expect["level"], result.triage.reasons
    for tid in expect.get("recommend", []):
        assert tid in recommended, f"{tid} not recommended: {excluded.get(tid)}"
    for tid in expect.get("exclude", []):
        assert tid in excluded, f"{tid} should be excluded; rank {recommended.index(tid) + 1}"
    for tid, code in expect.get("exclude_because", {}).items():
        assert code in excluded.get(tid, set()), f"{tid}: expected {code}, got {excluded.get(tid)}"
    for first, later in expect.get("ranked_before", []):
        assert recommended.index(first) < recommended.index(later)
    if "first" in expect:
        assert recommended[0] == expect["first"]
    for tid, factor in expect.get("caution", {}).items():
        rec = next(r for r in result.recommendations if r.treatment.id == tid)
        assert factor in {c.factor for c in rec.cautions}
    disclaimers = {d.id for d in result.disclaimers}
    assert set(expect.get("disclaimers", [])) <= disclaimers
    assert set(expect.get("tips", [])) <= {t.tip.id for t in result.tips}
    for tip in expect.get("no_tips", []):
        assert tip not in {t.tip.id for t in result.tips}
    if expect.get("no_recommendations"):
        assert recommended == []
