"""The engine's shortcuts (shared per-situation splits, prepared reasons and tips) agree with applying every rule, and
every situation a report can reach was prepared up front."""

from types import MappingProxyType

import pytest
from hypothesis import given

from service.engine.assess import _recommended, rank_key
from service.engine.exclude import FILTER_RULES, baseline, criteria_met, exclusions, situation, situational, split
from service.engine.factors import STAGE_SETS, current_ids, derive_factors, possible_stages
from service.engine.models import Urgency
from service.engine.plans import STAGE_INDEX, Rules
from service.engine.prepared import Ranking
from service.engine.recommend import _tips
from service.engine.results import Excluded, TipAdvice, Trace
from service.engine.triage import triage
from tests.engine.reports import KB, reports


def _situation(engine, report):
    ready = engine.prepared["en"]
    factors = derive_factors(report, KB)
    stages = possible_stages(report, KB)
    tri = triage(report, factors, stages, KB, ready, Trace())
    tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    return ready, factors, tri, tries, stages


@given(reports().map(lambda r: current_ids(r, KB)))
def test_split_matches_every_rule_on_every_treatment(engine, report):
    ready, factors, tri, tries, stages = _situation(engine, report)
    done = split(report, factors, tri, tries, ready, ready.baseline(situation(report, stages, ready)))
    excluded, kept = [], []
    for p in ready.treatments:
        opened = frozenset(q.treatment.id for q in ready.specialist if criteria_met(q, report, ready))
        reasons = exclusions(p, report, factors, tuple(situational(p, stages, ready, opened)), tri, tries, ready)
        if reasons:
            excluded.append(Excluded(p.treatment, tuple(reasons)))
        else:
            kept.append(p)
    assert done.excluded == tuple(excluded)
    assert done.kept == tuple(kept)
    for rule, decision in zip(FILTER_RULES, done.decisions, strict=True):
        ids = [e.treatment.id for e in excluded if any(r.rule == rule for r in e.reasons)]
        assert decision == f"excluded: {', '.join(ids) or 'none'}"


@given(reports().map(lambda r: current_ids(r, KB)))
def test_prepared_recommendations_and_tips_match_the_rules(engine, report):
    ready, factors, tri, tries, stages = _situation(engine, report)
    result = engine.recommend(report)
    index = STAGE_INDEX[stages[0]]
    if result.recommendations:
        shared = ready.baseline(situation(report, stages, ready))
        kept = sorted(split(report, factors, tri, tries, ready, shared).kept, key=lambda p: rank_key(p, tries))
        expected = tuple(_recommended(p, rank, index, factors, tries, ready) for rank, p in enumerate(kept, start=1))
        assert result.recommendations == expected
    if result.triage.level not in (Urgency.EMERGENCY, Urgency.URGENT):
        excluded = {e.treatment.id for e in result.excluded}
        say = ready.say
        rules = [(tip, Rules.of(tip.rules, "en")) for tip in KB.tips if set(stages) <= set(tip.stages)]
        expected_tips = tuple(
            TipAdvice(tip, r.cautions(factors, say))
            for tip, r in rules
            if not r.excluded_by(factors, say) and not set(tip.supports) & excluded
        )
        assert result.tips == expected_tips == _tips(ready, factors, stages, frozenset(excluded))


@given(reports())
def test_every_situation_a_report_reaches_was_prepared(engine, report):
    ready = engine.prepared["en"]
    stages = possible_stages(report, KB)
    assert stages in STAGE_SETS
    case = situation(report, stages, ready)
    assert ready.baseline(case) == baseline(ready, case)
    assert ready.ranking(case) == Ranking.of(baseline(ready, case), stages)
    assert ready.tips_for(stages) == tuple(t for t in ready.tips if t.stages.issuperset(stages))


def test_the_prepared_data_is_read_only_and_a_missing_situation_is_an_error(engine):
    ready = engine.prepared["en"]
    mappings = (ready.baselines, ready.rankings, ready.tips_by_stages, ready.actions, ready.by_factor, ready.by_read)
    for mapping in (*mappings, ready.by_tried):
        assert isinstance(mapping, MappingProxyType)
    assert len(ready.baselines) == len(STAGE_SETS) * len({opened for _, opened in ready.baselines})
    assert ready.rankings.keys() == ready.baselines.keys()
    with pytest.raises(LookupError):
        ready.baseline(((), frozenset()))
    with pytest.raises(LookupError):
        ready.ranking(((), frozenset()))
    with pytest.raises(LookupError):
        ready.tips_for(())
