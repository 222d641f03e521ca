"""Properties that hold for any valid report (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.engine import check_report, recommend
from service.engine.models import Direction, FactorKind, Outcome, Report, RuleLevel, Tried, Urgency
from service.knowledge import load_knowledge

KB = load_knowledge()
FACTORS = {kind: [f.id for f in KB.factors if f.kind is kind] for kind in FactorKind}
TREATMENTS = [t.id for t in KB.treatments]


def _ids(values, max_size=4):
    return st.lists(st.sampled_from(values), max_size=max_size, unique=True).map(tuple)


@st.composite
def reports(draw):
    pregnant = draw(st.booleans())
    return Report(
        age=draw(st.none() | st.integers(0, 120)),
        symptom_duration_days=draw(st.none() | st.integers(0, 2000)),
        pain_severity=draw(st.none() | st.integers(0, 10)),
        red_flags=draw(_ids([f.id for f in KB.red_flags], 2)),
        red_flags_screened=draw(st.booleans()),
        pregnant=pregnant,
        pregnancy_weeks=draw(st.none() | st.integers(0, 42)) if pregnant else None,
        breastfeeding=draw(st.booleans()),
        conditions=draw(_ids(FACTORS[FactorKind.CONDITION])),
        medications=draw(_ids(FACTORS[FactorKind.MEDICATION])),
        tried=tuple(
            Tried(tid, draw(st.sampled_from(list(Outcome))), draw(st.none() | st.integers(0, 52)))
            for tid in draw(_ids(TREATMENTS, 3))
        ),
        avoid=draw(_ids(FACTORS[FactorKind.PREFERENCE])),
        jurisdiction=draw(st.none() | st.sampled_from(FACTORS[FactorKind.JURISDICTION] + ["BR", "US-WY"])),
    )


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(reports())
def test_never_recommends_what_is_excluded_or_graded_against(report):
    assert check_report(report, KB) == []
    result = recommend(report, KB)
    for rec in result.recommendations:
        t = rec.treatment
        assert t.evidence.direction is not Direction.AGAINST
        assert not [r for r in t.rules if r.factor in _active(report, result) and r.level is RuleLevel.EXCLUDE]
        assert not set(t.avoid_if) & set(report.avoid)


def _active(report, result):
    from service.engine.factors import derive_factors

    return derive_factors(report, KB)


@SETTINGS
@given(reports())
def test_emergency_means_no_recommendations_and_red_flags_win(report):
    result = recommend(report, KB)
    if result.triage.level is Urgency.EMERGENCY:
        assert result.recommendations == () and result.tips == () and result.excluded == ()
        assert "emergency" in {d.trigger.value for d in result.disclaimers}
    reported = [KB.index["red_flags"][f].urgency for f in report.red_flags]
    order = list(Urgency)
    for urgency in reported:
        assert order.index(result.triage.level) <= order.index(urgency)
    if result.triage.level in (Urgency.EMERGENCY, Urgency.URGENT):
        assert result.recommendations == ()


@SETTINGS
@given(reports())
def test_every_option_is_accounted_for_with_reasons(report):
    result = recommend(report, KB)
    if result.triage.level is Urgency.EMERGENCY:
        return
    seen = [r.treatment.id for r in result.recommendations] + [e.treatment.id for e in result.excluded]
    assert sorted(seen) == sorted(TREATMENTS)
    assert all(r.reasons for r in result.recommendations)
    assert all(e.reasons for e in result.excluded)
    assert [r.rank for r in result.recommendations] == list(range(1, len(result.recommendations) + 1))


@SETTINGS
@given(reports())
def test_output_is_deterministic_and_always_disclaimed(report):
    first, second = recommend(report, KB), recommend(report, KB)
    assert first == second
    assert "general" in {d.id for d in first.disclaimers}
    assert first.trace and first.triage.action
    if not report.red_flags_screened:
        assert first.red_flag_checklist == KB.red_flags
