"""Each excluded option's kind: the most serious kind the rules that exclude it imply; every reason stays."""

import pytest

from service.engine.exclude import FILTER_RULES
from service.engine.results import KIND_OF_RULE, Excluded, ExclusionKind, Reason
from tests.engine.test_scenarios import report_of

BASE = {"age": 40, "symptom_duration_days": 10, "pain_severity": 5, "red_flags": [], "red_flags_screened": True,
        "pregnant": False, "breastfeeding": False, "conditions": [], "medications": []}  # fmt: skip
C, U, A, S = "contraindicated", "held_for_urgent_care", "held_for_assessment", "held_until_screened"
D, E, N, G, P = "did_not_work", "evidence_against", "not_now", "specialist_only", "preference"


@pytest.mark.parametrize(
    "report, kinds",
    [
        pytest.param(  # the case: 3 options unsafe for her, the rest not now or weak evidence
            {"age": 68, "medications": ["anticoagulant"]},
            {"nsaids": C, "aspirin": C, "ginkgo-biloba": C, "bed-rest": E, "opioids": E, "acupuncture": N,
             "discectomy": N, "epidural-steroid-injection": G},
            id="anticoagulated",
        ),
        pytest.param({"red_flags": ["new-leg-weakness"]}, {"nsaids": U, "staying-active": U}, id="urgent-red-flag"),
        pytest.param(
            {"red_flags": ["past-cancer"]}, {"spinal-manipulation": A, "massage": A, "bed-rest": E}, id="held-for-cancer"
        ),
        pytest.param(
            {"red_flags_screened": False}, {"spinal-manipulation": S, "acupuncture": S, "bed-rest": E}, id="not-screened"
        ),
        pytest.param(
            {"tried": [{"treatment_id": "nsaids", "outcome": "side_effects"}]}, {"nsaids": D}, id="side-effects"
        ),
        pytest.param(
            {"tried": [{"treatment_id": "massage", "outcome": "worse"}]}, {"massage": D}, id="made-it-worse"
        ),
        pytest.param(
            {"avoid": ["medication"]}, {"nsaids": P, "aspirin": P, "paracetamol": E, "antidepressants": N},
            id="avoids-medicines",
        ),
        pytest.param(
            {"avoid": ["medication"], "medications": ["anticoagulant"]}, {"nsaids": C}, id="unsafe-beats-preference"
        ),
        pytest.param({"age": 12}, {"aspirin": C, "epidural-steroid-injection": C, "nsaids": None}, id="child"),
    ],
)  # fmt: skip
def test_each_excluded_option_has_the_kind_of_its_most_serious_rule(engine, report, kinds):
    excluded = {e.treatment.id: e for e in engine.recommend(report_of(BASE | report)).excluded}
    assert {tid: excluded[tid].kind.value if tid in excluded else None for tid in kinds} == kinds  # None: offered
    for e in excluded.values():
        assert e.kind is min((KIND_OF_RULE[r.rule] for r in e.reasons), key=list(ExclusionKind).index)


def test_every_rule_that_can_exclude_an_option_implies_a_kind():
    assert set(KIND_OF_RULE) == {*FILTER_RULES, "urgent-hold"}
    assert set(KIND_OF_RULE.values()) == set(ExclusionKind)


def test_an_exclusion_by_an_unknown_rule_is_an_error(kb):
    with pytest.raises(KeyError):
        Excluded(kb.treatments[0], (Reason("no-such-rule", "x", "x"),))
