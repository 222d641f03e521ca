"""The engine's shortcuts (shared per-situation splits, prepared reasons and tips) agree with applying every rule."""

from hypothesis import given

from service.engine.assess import _recommended, rank_key
from service.engine.exclude import FILTER_RULES, exclusions, situational, split
from service.engine.factors import derive_factors, stage_of
from service.engine.plans import STAGE_INDEX, Rules
from service.engine.prepared import prepared
from service.engine.recommend import ASSUMED_STAGE, _duration, _tips, recommend
from service.engine.results import Excluded, TipAdvice, Trace
from service.engine.triage import triage
from tests.engine.test_properties import KB, SETTINGS, reports


def _situation(report):
    ready = prepared(KB, "en")
    factors = derive_factors(report, KB)
    stage = stage_of(_duration(report)[0], KB)
    tri = triage(report, factors, stage, KB, ready.say, Trace())
    tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    index = STAGE_INDEX[stage or ASSUMED_STAGE]
    return ready, factors, tri, tries, index, (index, tri.under_16, tri.escalation, tri.severe_acute)


@SETTINGS
@given(reports())
def test_split_matches_every_rule_on_every_treatment(report):
    ready, factors, tri, tries, _, situation = _situation(report)
    done = split(report, factors, situation, tri, tries, ready)
    excluded, kept = [], []
    for p in ready.treatments:
        reasons = exclusions(p, report, factors, tuple(situational(p, situation, ready)), tri, tries, ready)
        if reasons:
            excluded.append(Excluded(p.treatment, tuple(reasons)))
        else:
            kept.append(p)
    assert done.excluded == tuple(excluded)
    assert done.kept == tuple(kept)
    for rule, decision in zip(FILTER_RULES, done.decisions, strict=True):
        ids = [e.treatment.id for e in excluded if any(r.rule == rule for r in e.reasons)]
        assert decision == f"excluded: {', '.join(ids) or 'none'}"


@SETTINGS
@given(reports())
def test_prepared_recommendations_and_tips_match_the_rules(report):
    ready, factors, tri, tries, index, situation = _situation(report)
    result = recommend(report, KB)
    if result.recommendations:
        kept = sorted(split(report, factors, situation, tri, tries, ready).kept, key=lambda p: rank_key(p, tries))
        expected = tuple(_recommended(p, rank, index, factors, tries, ready) for rank, p in enumerate(kept, start=1))
        assert result.recommendations == expected
    if result.tips:
        stage = result.stage
        rules = [(tip, Rules.of(tip.rules, "en")) for tip in KB.tips if stage in tip.stages]
        expected_tips = tuple(TipAdvice(tip, r.cautions(factors)) for tip, r in rules if not r.excluded_by(factors))
        assert result.tips == expected_tips == _tips(ready, factors, stage)
