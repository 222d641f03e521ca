"""The engine's shortcuts (shared per-stage-set splits, prepared reasons and tips) agree with applying every rule."""

from hypothesis import given

from service.engine.assess import _recommended, rank_key
from service.engine.exclude import FILTER_RULES, criteria_met, exclusions, situational, split
from service.engine.factors import current_ids, derive_factors, possible_stages
from service.engine.models import Urgency
from service.engine.plans import STAGE_INDEX, Rules
from service.engine.prepared import prepared
from service.engine.recommend import _tips, recommend
from service.engine.results import Excluded, TipAdvice, Trace
from service.engine.triage import triage
from tests.engine.reports import KB, reports


def _situation(report):
    ready = prepared(KB, "en")
    factors = derive_factors(report, KB)
    stages = possible_stages(report, KB)
    tri = triage(report, factors, stages, KB, ready, Trace())
    tries = {}
    for tried in report.tried:
        tries.setdefault(tried.treatment_id, set()).add(tried.outcome)
    return ready, factors, tri, tries, stages


@given(reports().map(lambda r: current_ids(r, KB)))
def test_split_matches_every_rule_on_every_treatment(report):
    ready, factors, tri, tries, stages = _situation(report)
    done = split(report, factors, stages, tri, tries, ready)
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
def test_prepared_recommendations_and_tips_match_the_rules(report):
    ready, factors, tri, tries, stages = _situation(report)
    result = recommend(report, KB)
    index = STAGE_INDEX[stages[0]]
    if result.recommendations:
        kept = sorted(split(report, factors, stages, tri, tries, ready).kept, key=lambda p: rank_key(p, tries))
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
