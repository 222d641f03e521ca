"""Safety properties that hold for every report (hypothesis): each is a verification in the hazard log.

The default profile (tests/conftest.py) is derandomised, so CI runs the same reports every time; HYPOTHESIS_PROFILE
=explore runs many more, freshly drawn, to look for new failure classes. A failure shrinks to a minimal report.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from service.engine import check_report
from service.engine.factors import derive_factors, least_days
from service.engine.models import (
    REASON_RULES,
    RULES,
    Direction,
    FactorKind,
    Msg,
    Outcome,
    Report,
    RuleLevel,
    Tried,
    Urgency,
)
from service.engine.results import ExclusionKind, Result
from tests.engine.reports import FACTORS, IMPLYING, KB, RED_FLAGS, answered, complete_reports, reports
from tests.names import mentions

ORDER = list(Urgency)  # most urgent first
SCREEN_FIRST = next(m.text.get_text() for m in KB.messages if m.id.value == "not_screened")
UNANSWERABLE = ("age", "symptom_duration_days", "pain_severity", "pregnant", "breastfeeding", "conditions")
UNANSWERABLE += ("medications", "pregnancy_weeks", "red_flags_screened")


def caution(result: Result) -> tuple[int, set[str], dict[str, tuple[bool, frozenset[str]]], set[str]]:
    """What makes one answer at least as cautious as another: the level (lower index is more urgent), the options
    offered, each offered option's clinician flag and caution factors, and the tips given."""
    offered = {
        r.treatment.id: (r.clinician_needed, frozenset(c.factor for c in r.cautions)) for r in result.recommendations
    }
    return ORDER.index(result.triage.level), set(offered), offered, {t.tip.id for t in result.tips}


def at_least_as_cautious(safer: Result, other: Result) -> None:
    level, offered, flags, tips = caution(safer)
    other_level, other_offered, other_flags, other_tips = caution(other)
    assert level <= other_level, f"level {safer.triage.level.value} is less urgent than {other.triage.level.value}"
    assert offered <= other_offered, f"offers more: {sorted(offered - other_offered)}"
    for tid, (clinician, factors) in flags.items():
        other_clinician, other_factors = other_flags[tid]
        assert clinician or not other_clinician, f"{tid} loses its clinician flag"
        assert factors >= other_factors, f"{tid} loses cautions {sorted(other_factors - factors)}"
    assert tips <= other_tips, f"gives more tips: {sorted(tips - other_tips)}"


# --- more risk never yields more options ------------------------------------------------------------------------


def more_risk(report: Report, data: st.DataObject) -> Report | None:
    """The report with one more risk: a condition, a medicine, a red flag, pregnancy (or later weeks), breastfeeding."""
    kind = data.draw(st.sampled_from(["condition", "medicine", "red flag", "pregnancy", "weeks", "breastfeeding"]))
    if kind == "condition" and report.conditions is not None:
        extra = data.draw(st.sampled_from(sorted(set(FACTORS[FactorKind.CONDITION]) - set(report.conditions))))
        return answered(report, conditions=(*report.conditions, extra))
    if kind == "medicine" and report.medications is not None:
        extra = data.draw(st.sampled_from(sorted(set(FACTORS[FactorKind.MEDICATION]) - set(report.medications))))
        return answered(report, medications=(*report.medications, extra))
    if kind == "red flag" and len(report.red_flags) < len(RED_FLAGS):
        extra = data.draw(st.sampled_from(sorted(set(RED_FLAGS) - set(report.red_flags))))
        return answered(report, red_flags=(*report.red_flags, extra))
    if kind == "pregnancy" and report.pregnant is False:
        return answered(report, pregnant=True, pregnancy_weeks=data.draw(st.none() | st.integers(0, 42)))
    if kind == "weeks" and report.pregnant and report.pregnancy_weeks is not None and report.pregnancy_weeks < 42:
        return answered(report, pregnancy_weeks=data.draw(st.integers(report.pregnancy_weeks + 1, 42)))
    if kind == "breastfeeding" and report.breastfeeding is False:
        return answered(report, breastfeeding=True)
    return None


@given(reports(), st.data())
def test_more_risk_never_means_more_options_less_urgency_or_fewer_clinician_flags(engine, report, data):
    riskier = more_risk(report, data)
    assume(riskier is not None and check_report(riskier, KB) == [])
    at_least_as_cautious(engine.recommend(riskier), engine.recommend(report))


# --- a missing answer takes the safer reading ----------------------------------------------------------------------


def some_answer(field: str, report: Report, data: st.DataObject) -> Report:
    """The report with `field` answered (a value the person could have given)."""
    if field == "age":
        return answered(report, age=data.draw(st.integers(0, 120)))
    if field == "symptom_duration_days":
        return answered(report, symptom_duration_days=data.draw(st.integers(0, 3000)))
    if field == "pain_severity":
        return answered(report, pain_severity=data.draw(st.integers(0, 10)))
    if field in ("pregnant", "breastfeeding"):
        value = data.draw(st.booleans())
        weeks = data.draw(st.none() | st.integers(0, 42)) if field == "pregnant" and value else None
        return answered(report, **{field: value}, **({"pregnancy_weeks": weeks} if field == "pregnant" else {}))
    if field == "pregnancy_weeks":
        return answered(report, pregnancy_weeks=data.draw(st.integers(0, 42)))
    if field == "red_flags_screened":
        return answered(report, red_flags_screened=True)
    kind = FactorKind.CONDITION if field == "conditions" else FactorKind.MEDICATION
    # Conditions that count as red flags are asked by the red-flag questions, so they are not part of this answer.
    choices = [f for f in FACTORS[kind] if f not in IMPLYING]
    return answered(report, **{field: tuple(data.draw(st.lists(st.sampled_from(choices), max_size=4, unique=True)))})


def unanswered(field: str, report: Report) -> Report:
    if field == "red_flags_screened":
        return answered(report, red_flags_screened=False)
    if field == "pregnant":
        return answered(report, pregnant=None, pregnancy_weeks=None)
    if field == "pregnancy_weeks":
        return answered(report, pregnant=True, pregnancy_weeks=None)
    return answered(report, **{field: None})


@pytest.mark.parametrize("field", UNANSWERABLE)
@given(st.one_of(complete_reports(), reports()), st.data())
def test_a_missing_answer_is_never_less_cautious_than_any_answer(engine, field, report, data):
    base = answered(report, pregnant=True) if field == "pregnancy_weeks" else report
    assume(check_report(base, KB) == [])
    given_answer = some_answer(field, base, data)
    assume(check_report(given_answer, KB) == [])
    missing = unanswered(field, given_answer)
    assume(check_report(missing, KB) == [])
    at_least_as_cautious(engine.recommend(missing), engine.recommend(given_answer))


# --- what the answer offers is never contradicted by its own rules or texts ----------------------------------------


@given(reports())
def test_no_recommended_option_has_a_rule_that_excludes_it(engine, report):
    result = engine.recommend(report)
    active = derive_factors(report, KB).active()
    for rec in result.recommendations:
        t = rec.treatment
        assert t.evidence.direction is not Direction.AGAINST
        excluding = [r.factor for r in t.rules if r.factor in active and r.level is RuleLevel.EXCLUDE]
        assert not excluding, f"{t.id} recommended although {excluding} exclude it"
        assert not set(t.avoid_if) & set(report.avoid)
        clinician_rules = [r for r in t.rules if r.factor in active and r.level is RuleLevel.CLINICIAN_ONLY]
        assert rec.clinician_needed or not clinician_rules, f"{t.id} needs a clinician: {clinician_rules}"


NAMES = {t.id: mentions(t) for t in KB.treatments}


@given(reports())
def test_no_advice_in_an_answer_recommends_what_it_excludes(engine, report):
    result = engine.recommend(report)
    excluded = {e.treatment.id for e in result.excluded}
    offered = {r.treatment.id for r in result.recommendations}
    assert not excluded & offered, f"both offered and excluded: {sorted(excluded & offered)}"
    advice = [result.triage.action] + [f"{t.tip.title.get_text()} {t.tip.text.get_text()}" for t in result.tips]
    advice += [reason.text for r in result.recommendations for reason in r.reasons]
    for tip in result.tips:
        assert not set(tip.tip.supports) & excluded, f"tip {tip.tip.id} supports an excluded option"
    for tid in excluded:
        for text in advice:
            assert not NAMES[tid].search(text), f"advice names excluded {tid}: {text!r}"


# --- urgency: red flags win, and the level fits every reason for it ------------------------------------------------


@given(reports())
def test_red_flags_win_and_the_level_fits_the_most_urgent_reason(engine, report):
    result = engine.recommend(report)
    level = ORDER.index(result.triage.level)
    factors = derive_factors(report, KB)
    flags = set(report.red_flags) | {KB.index["factors"][f].implies_red_flag for f in factors.known} - {None}
    for fid in flags:
        assert level <= ORDER.index(KB.index["red_flags"][fid].urgency), f"{fid} is more urgent than the answer"
    for combo in KB.combinations:
        if combo.parts(factors.active()) is not None:
            assert level <= ORDER.index(combo.urgency), f"{combo.id} is more urgent than the answer"
    if result.triage.level in (Urgency.EMERGENCY, Urgency.URGENT):
        assert result.recommendations == ()
        assert all(t.tip.safety_net for t in result.tips)
    if result.triage.level is Urgency.EMERGENCY:
        assert result.excluded == () and result.tips == ()
    if result.triage.level is not Urgency.SELF_CARE:
        assert "no_concerns" not in {r.code for r in result.triage.reasons}, "says nothing needs attention"
    holds = {k for f in flags for k in KB.index["red_flags"][f].holds}
    assert not {r.treatment.invasiveness for r in result.recommendations} & holds


# --- every advising answer is disclaimed, complete and repeatable --------------------------------------------------


@given(reports())
def test_every_answer_carries_its_disclaimers(engine, report):
    result = engine.recommend(report)
    shown = {d.trigger.value for d in result.disclaimers}
    active = derive_factors(report, KB).active()
    expected = {"always"}
    expected |= {"not_screened"} if not report.red_flags_screened else set()
    expected |= {"emergency"} if result.triage.level is Urgency.EMERGENCY else set()
    expected |= {"pregnant"} if "pregnant" in active else set()
    expected |= {"breastfeeding"} if "breastfeeding" in active else set()
    expected |= {"under_16"} if "age-under-16" in active else set()
    expected |= {"unanswered"} if set(result.unanswered) - {"red_flags_screened"} else set()
    assert expected <= shown, f"missing disclaimers {sorted(expected - shown)}"
    if not report.red_flags_screened:
        assert result.red_flag_checklist == KB.red_flags
        assert result.triage.reasons[0].code == "not_screened", "the screening comes first"


@given(reports())
def test_until_red_flags_are_screened_no_hands_on_or_invasive_option_is_offered(engine, report):
    result = engine.recommend(answered(report, red_flags_screened=False))
    offered = {r.treatment.id: r.treatment.invasiveness.value for r in result.recommendations}
    assert not {tid for tid, kind in offered.items() if kind in ("minimal", "procedure", "surgical")}, offered
    assert result.triage.reasons[0].code == "not_screened"
    if result.triage.level is not Urgency.EMERGENCY:
        assert result.triage.action.startswith(SCREEN_FIRST), "the action asks for the screening first"


@given(reports())
def test_every_option_is_accounted_for_once_with_reasons(engine, report):
    result = engine.recommend(report)
    if result.triage.level is Urgency.EMERGENCY:
        return
    seen = [r.treatment.id for r in result.recommendations] + [e.treatment.id for e in result.excluded]
    assert sorted(seen) == sorted(KB.index["treatments"])
    assert all(r.reasons for r in result.recommendations) and all(e.reasons for e in result.excluded)
    assert [r.rank for r in result.recommendations] == list(range(1, len(result.recommendations) + 1))


@given(reports())
def test_an_option_a_contraindication_excludes_is_marked_contraindicated(engine, report):
    for e in engine.recommend(report).excluded:
        unsafe = any(r.rule in ("contraindications", "drug-classes") for r in e.reasons)
        assert (e.kind is ExclusionKind.CONTRAINDICATED) == unsafe, (e.treatment.id, e.kind, e.reasons)


@given(reports())
def test_the_same_report_always_gets_the_same_answer_traced_by_named_rules(engine, report):
    result = engine.recommend(report)
    assert result == engine.recommend(report)
    assert {step.rule for step in result.trace} <= set(RULES), "the hazard log cites rules by these names"
    reasons = [*result.triage.reasons, *(r for o in (*result.recommendations, *result.excluded) for r in o.reasons)]
    assert {r.rule for r in reasons} <= set(REASON_RULES), "the OpenAPI document lists these as Reason.rule"
    assert {r.code for r in reasons} <= {m.value for m in Msg}, "and these as Reason.code"


# --- classes, children and specialist options -----------------------------------------------------------------------


@given(reports(), st.data())
def test_a_bad_reaction_to_one_member_withdraws_or_flags_its_drug_class(engine, report, data):
    cls = data.draw(st.sampled_from(KB.drug_classes))
    member = data.draw(st.sampled_from(cls.members))
    outcome = data.draw(st.sampled_from([Outcome.WORSE, Outcome.SIDE_EFFECTS]))
    report = answered(report, tried=(*report.tried, Tried(member, outcome, None)))
    result = engine.recommend(report)
    offered = {r.treatment.id: r for r in result.recommendations}
    bad = {t.treatment_id for t in report.tried if t.outcome.value in ("worse", "side_effects")}
    for cls in KB.drug_classes:
        for member in set(cls.members) & bad:
            for other in set(cls.members) - {member}:
                if cls.reaction is RuleLevel.EXCLUDE:
                    assert other not in offered, f"{other} offered after a bad reaction to {member} ({cls.id})"
                elif other in offered:
                    assert "tried" in {c.factor for c in offered[other].cautions}, f"{other}: no {cls.id} caution"
        if cls.taking and cls.taking in derive_factors(report, KB).known and cls.taking_level is RuleLevel.EXCLUDE:
            assert not set(cls.members) & set(offered), f"{cls.id}: already taking one, another offered"


@given(reports())
def test_under_16_every_medicine_and_hands_on_option_needs_a_clinician(engine, report):
    young = answered(report, age=15 if report.age is None or report.age >= 16 else report.age)
    assume(check_report(young, KB) == [])
    result = engine.recommend(young)
    assert ORDER.index(result.triage.level) <= ORDER.index(Urgency.CONSULT)
    for rec in result.recommendations:
        assert rec.treatment.invasiveness.value in ("none", "minimal", "systemic")
        if rec.treatment.invasiveness.value != "none":
            assert rec.clinician_needed, f"{rec.treatment.id} offered to a child without a clinician"


@given(reports())
def test_specialist_options_open_only_on_their_own_criteria(engine, report):
    result = engine.recommend(report)
    for rec in result.recommendations:
        c = rec.treatment.criteria
        if c is None:
            continue
        assert not c.never
        if c.min_pain is not None:
            assert report.pain_severity is not None and report.pain_severity >= c.min_pain
        if c.min_days is not None:
            assert least_days(report) >= c.min_days
        if c.failed_care:
            assert any(t.outcome.value in ("worse", "no_change") for t in report.tried)
    without_flags = engine.recommend(answered(report, red_flags=()))
    specialist = {r.treatment.id for r in result.recommendations if r.treatment.criteria}
    assert specialist <= {r.treatment.id for r in without_flags.recommendations if r.treatment.criteria}
