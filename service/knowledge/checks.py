"""Cross-record checks: every reference resolves and every vocabulary the engine relies on is complete."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from service.engine import models as m
from service.knowledge.errors import KnowledgeError

RULE_KINDS = {
    m.FactorKind.CONDITION,
    m.FactorKind.MEDICATION,
    m.FactorKind.PREGNANCY,
    m.FactorKind.BREASTFEEDING,
    m.FactorKind.AGE_BAND,
    m.FactorKind.CANNABIS_LAW,
}
REQUIRED_BY_KIND = {
    m.FactorKind.AGE_BAND: ("min_age", "max_age"),
    m.FactorKind.PREGNANCY: ("min_weeks",),
    m.FactorKind.JURISDICTION: ("cannabis",),
    m.FactorKind.CANNABIS_LAW: ("cannabis",),
}
REQUEST_FIELDS = {f.name for f in dataclasses.fields(m.Report)}
OPTION_LISTS = {"treatments", "red_flags"} | {f"factors:{k.value}" for k in m.FactorKind}
RULE_CODES = {m.Msg.CONTRAINDICATED, m.Msg.UNDER_16, m.Msg.ALREADY_TAKING}
COMBINABLE = RULE_KINDS - {m.FactorKind.CANNABIS_LAW}
SPECIALIST = {m.Invasiveness.PROCEDURE, m.Invasiveness.SURGICAL}


def check_references(kb: m.KnowledgeBase) -> None:
    """Raise KnowledgeError for the first reference or completeness defect in `kb` (whether a rule's sources are
    present and can state it is attribution.py's check)."""
    for t in kb.treatments:
        where = f"treatments/{t.id}.yaml"
        _graded(kb, where, t)
        for i, pref in enumerate(t.avoid_if):
            _factor(kb, where, t.id, f"avoid_if[{i}]", pref, {m.FactorKind.PREFERENCE})
        _criteria(kb, where, t)
    for tip in kb.tips:
        _graded(kb, "tips.yaml", tip)
        for i, tid in enumerate(tip.supports):
            if tid not in kb.index["treatments"]:
                fail("tips.yaml", tip.id, f"supports[{i}]", f"unknown treatment {tid!r}")
    for flag in kb.red_flags:
        check_sources(kb, "red_flags.yaml", flag.id, "sources", flag.sources, required=True)
        for i, other in enumerate(flag.escalates_with):
            if other not in kb.index["red_flags"] or other == flag.id:
                fail("red_flags.yaml", flag.id, f"escalates_with[{i}]", f"unknown red flag {other!r}")
        _time_frame(kb, flag)
    for factor in kb.factors:
        _factor_record(kb, factor)
    _shared_rules(kb)
    _combinations(kb)
    _complete(kb)
    for q in kb.questions:
        if q.field not in REQUEST_FIELDS:
            fail("questionnaire.yaml", q.id, "field", f"{q.field!r} is not a request field")
        if q.options_from is not None and q.options_from not in OPTION_LISTS:
            fail("questionnaire.yaml", q.id, "options_from", f"must be one of {sorted(OPTION_LISTS)}")
    c = kb.condition
    check_sources(kb, "condition.yaml", "condition", "sources", c.sources, required=True)
    _dates("condition.yaml", "condition", c.last_reviewed, c.next_review_due)
    _stage_bands(c.stages)
    check_sources(kb, "evidence_scale.yaml", "evidence_scale", "sources", kb.evidence_scale.sources, required=True)


def _graded(kb: m.KnowledgeBase, where: str, item: Any) -> None:
    rid = item.id
    check_sources(kb, where, rid, "sources", item.sources, required=True)
    ev = item.evidence
    if not ev.source_grades:
        fail(where, rid, "evidence.source_grades", "at least one source grade is required")
    if ev.clinician is None:
        fail(where, rid, "evidence.clinician", "clinician wording is required (EHR cards show it)")
    for i, grade in enumerate(ev.source_grades):
        _cited(kb, where, item, f"evidence.source_grades[{i}].source", grade.source)
    no_strength = ev.direction in (m.Direction.NO_RECOMMENDATION, m.Direction.CONFLICTING)
    if no_strength != (ev.strength is m.Strength.NONE):
        fail(
            where, rid, "evidence.strength", "must be 'none' exactly when direction is no_recommendation or conflicting"
        )
    for i, rule in enumerate(item.rules):
        _factor(kb, where, rid, f"rules[{i}].factor", rule.factor, RULE_KINDS)
        if rule.code not in RULE_CODES:
            fail(where, rid, f"rules[{i}].code", f"must be one of {sorted(c.value for c in RULE_CODES)}")
        for j, sid in enumerate(rule.sources):
            _cited(kb, where, item, f"rules[{i}].sources[{j}]", sid)
    _dates(where, rid, item.last_reviewed, item.next_review_due)


def _cited(kb: m.KnowledgeBase, where: str, item: Any, field: str, sid: str) -> None:
    check_sources(kb, where, item.id, field, (sid,), required=True)
    if sid not in item.sources:
        fail(where, item.id, field, f"source {sid!r} is cited but missing from the record's sources list")


def check_sources(kb: m.KnowledgeBase, where: str, rid: str, field: str, ids: Iterable[str], required: bool) -> None:
    ids = tuple(ids)
    if required and not ids:
        fail(where, rid, field, "at least one source is required")
    for sid in ids:
        if sid not in kb.index["sources"]:
            fail(where, rid, field, f"unknown source {sid!r}")


def _factor(kb: m.KnowledgeBase, where: str, rid: str, field: str, fid: str, kinds: set[m.FactorKind]) -> None:
    factor = kb.index["factors"].get(fid)
    if not isinstance(factor, m.Factor):
        fail(where, rid, field, f"unknown factor {fid!r}")
    elif factor.kind not in kinds:
        fail(where, rid, field, f"factor {fid!r} is a {factor.kind.value}, not usable here")


def _criteria(kb: m.KnowledgeBase, where: str, t: m.Treatment) -> None:
    """Every specialist option (injection, surgery) states its own criteria; no other option has any."""
    if (t.criteria is not None) != (t.invasiveness in SPECIALIST):
        fail(where, t.id, "criteria", "required exactly for procedure and surgical options")
    if t.criteria is not None:
        c = t.criteria
        if not (c.never or c.min_pain is not None or c.min_days is not None or c.failed_care):
            fail(where, t.id, "criteria", "state at least one criterion (or never: true)")
        for j, sid in enumerate(c.sources):
            _cited(kb, where, t, f"criteria.sources[{j}]", sid)
        if not c.sources:
            fail(where, t.id, "criteria.sources", "at least one source is required")


def _time_frame(kb: m.KnowledgeBase, flag: m.RedFlag) -> None:
    """A flag's meaning says how soon in its own level's words, and never in a less urgent level's words."""
    order = list(m.Urgency)
    for lang in flag.meaning:
        frames = {a.level: a.time_frame.get_text(lang) for a in kb.triage_actions}  # in the meaning's language
        text = flag.meaning.get_text(lang).lower()
        own = frames.get(flag.urgency, "").lower()
        if own and own not in text:
            fail("red_flags.yaml", flag.id, "meaning", f"must say how soon as its level does: {own!r}")
        for level, words in frames.items():
            if order.index(level) > order.index(flag.urgency) and words.lower() in text:
                fail("red_flags.yaml", flag.id, "meaning", f"says {words!r}, less urgent than {flag.urgency.value}")


def _shared_rules(kb: m.KnowledgeBase) -> None:
    for g in kb.group_rules:
        _factor(kb, "group_rules.yaml", g.id, "factor", g.factor, RULE_KINDS)
        check_sources(kb, "group_rules.yaml", g.id, "sources", g.sources, required=False)
        if g.code not in RULE_CODES:
            fail("group_rules.yaml", g.id, "code", f"must be one of {sorted(c.value for c in RULE_CODES)}")
    for c in kb.drug_classes:
        for i, tid in enumerate(c.members):
            if tid not in kb.index["treatments"]:
                fail("drug_classes.yaml", c.id, f"members[{i}]", f"unknown treatment {tid!r}")
        check_sources(kb, "drug_classes.yaml", c.id, "sources", c.sources, required=False)
        taking = (c.taking, c.taking_level, c.taking_reason)
        if any(x is None for x in taking) and any(x is not None for x in taking):
            fail("drug_classes.yaml", c.id, "taking", "taking, taking_level and taking_reason go together")
        if c.taking is not None:
            _factor(kb, "drug_classes.yaml", c.id, "taking", c.taking, {m.FactorKind.MEDICATION})


def _combinations(kb: m.KnowledgeBase) -> None:
    for c in kb.combinations:
        if len(set(c.all_of)) + c.at_least < 2 or c.at_least > len(set(c.any_of)) or (c.any_of and not c.at_least):
            fail(
                "medicine_combinations.yaml",
                c.id,
                "all_of",
                "name at least two factors (all_of, or at_least of any_of)",
            )
        for field in ("all_of", "any_of"):
            for i, fid in enumerate(getattr(c, field)):
                _factor(kb, "medicine_combinations.yaml", c.id, f"{field}[{i}]", fid, COMBINABLE)
        if c.urgency in (m.Urgency.EMERGENCY, m.Urgency.SELF_CARE):
            fail("medicine_combinations.yaml", c.id, "urgency", "soon, urgent or consult")
        check_sources(kb, "medicine_combinations.yaml", c.id, "sources", c.sources, required=False)


def _factor_record(kb: m.KnowledgeBase, f: m.Factor) -> None:
    for attr in REQUIRED_BY_KIND.get(f.kind, ()):
        if getattr(f, attr) is None:
            fail("factors.yaml", f.id, attr, f"required for a {f.kind.value} factor")
    if f.implies_red_flag is not None and f.implies_red_flag not in kb.index["red_flags"]:
        fail("factors.yaml", f.id, "implies_red_flag", f"unknown red flag {f.implies_red_flag!r}")
    check_sources(kb, "factors.yaml", f.id, "sources", f.sources, required=False)
    low, high = f.plausible_min_age, f.plausible_max_age
    if low is not None and high is not None and low > high:
        fail("factors.yaml", f.id, "plausible_max_age", "must not be below plausible_min_age")


def _complete(kb: m.KnowledgeBase) -> None:
    levels = [a.level for a in kb.triage_actions]
    for level in m.Urgency:
        if levels.count(level) != 1:
            fail("triage.yaml", level.value, "level", "each triage level needs exactly one action")
    triggers = {d.trigger for d in kb.disclaimers}
    for trigger in m.DisclaimerTrigger:
        if trigger not in triggers:
            fail("disclaimers.yaml", trigger.value, "trigger", "no disclaimer for this situation")
    messages = [msg.id for msg in kb.messages]
    for code in m.Msg:
        if messages.count(code) != 1:
            fail("messages.yaml", code.value, "id", "each reason code needs exactly one message")
    laws = [f.cannabis for f in kb.factors if f.kind is m.FactorKind.CANNABIS_LAW]
    for status in (m.CannabisStatus.PROHIBITED, m.CannabisStatus.MEDICAL_ONLY, m.CannabisStatus.VARIES):
        if laws.count(status) != 1:
            fail("factors.yaml", status.value, "cannabis", "need exactly one cannabis_law factor for this status")


def _stage_bands(bands: tuple[m.StageBand, ...]) -> None:
    if [b.stage for b in bands] != list(m.Stage):
        fail("condition.yaml", "condition", "stages", "one band per stage: acute, subacute, chronic in order")
    expected_start = 0
    for i, band in enumerate(bands):
        if band.min_days != expected_start:
            fail(
                "condition.yaml",
                "condition",
                f"stages[{i}].min_days",
                f"must be {expected_start} (bands are contiguous)",
            )
        if (band.max_days is None) != (i == len(bands) - 1):
            fail("condition.yaml", "condition", f"stages[{i}].max_days", "only the last band is open-ended")
        expected_start = (band.max_days or 0) + 1


def _dates(where: str, rid: str, last: Any, due: Any) -> None:
    if due <= last:
        fail(where, rid, "next_review_due", "must be after last_reviewed")


def fail(file: str, record: str, field: str, message: str) -> None:
    raise KnowledgeError(file, record, field, message)
