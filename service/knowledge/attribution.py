"""Every rule cites sources that can state it, or says that none does; every rule has its clinician wording."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from service.engine import models as m
from service.knowledge.checks import fail

C = m.Claim
T = m.SourceType
# What each kind of source can state. An efficacy review or trial backs a safety rule only when the paper is about
# that harm, which its `states` then says; no efficacy paper, guideline or leaflet is a source for the law.
CAN_STATE: dict[m.SourceType, frozenset[m.Claim]] = {
    T.LAW: frozenset({C.LAW}),
    T.REGULATORY: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY, C.LAW}),
    T.LABEL: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.FORMULARY: frozenset({C.DRUG_SAFETY}),
    T.GUIDELINE: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.PATIENT_INFORMATION: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.SYSTEMATIC_REVIEW: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.RCT: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.REVIEW: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.COHORT: frozenset({C.DRUG_SAFETY, C.TREATMENT_SAFETY}),
    T.GRADING_SYSTEM: frozenset(),
}


@dataclass(frozen=True)
class Claimed:
    """One rule as a reviewer reads it: where it lives, what kind of claim it makes, and what backs it."""

    file: str
    record: str
    field: str
    claim: m.Claim
    basis: m.Basis
    sources: tuple[str, ...]
    clinician: m.Text | None
    factor: str = ""  # the factor a treatment's or tip's rule reads (for reports)

    def verified(self, kb: m.KnowledgeBase) -> bool:
        return stated_at_publisher(self.basis, self.sources, kb.index["sources"])


def stated_at_publisher(basis: m.Basis, sources: tuple[str, ...], known: Mapping[str, m.Source]) -> bool:
    """A rule is verified when a source read at its publisher states it: not a convention, not only second-hand."""
    return basis is m.Basis.SOURCE and any(s in known and known[s].verified for s in sources)


def claim_of(factor: m.Factor | None, invasiveness: tuple[m.Invasiveness, ...]) -> m.Claim:
    if factor is not None and factor.kind is m.FactorKind.CANNABIS_LAW:
        return C.LAW
    if invasiveness and all(i is m.Invasiveness.SYSTEMIC for i in invasiveness):
        return C.DRUG_SAFETY
    return C.TREATMENT_SAFETY


def rules_of(kb: m.KnowledgeBase) -> Iterator[Claimed]:
    """Every rule in the knowledge, once, where its author wrote it (shared rules in their own files)."""
    shared: set[tuple[str | None, m.Text | None]] = {(g.factor, g.reason) for g in kb.group_rules}
    shared |= {(c.taking, c.taking_reason) for c in kb.drug_classes if c.taking}
    factors = kb.index["factors"]
    for t in kb.treatments:
        for i, r in enumerate(t.rules):
            if (r.factor, r.reason) not in shared:
                claim = claim_of(factors.get(r.factor), (t.invasiveness,))
                yield Claimed(
                    f"treatments/{t.id}.yaml", t.id, f"rules[{i}]", claim, r.basis, r.sources, r.clinician, r.factor
                )
    for tip in kb.tips:
        for i, r in enumerate(tip.rules):
            law = claim_of(factors.get(r.factor), ()) is C.LAW
            claim = C.LAW if law else tip.rule_claim
            yield Claimed("tips.yaml", tip.id, f"rules[{i}]", claim, r.basis, r.sources, r.clinician, r.factor)
    for g in kb.group_rules:
        claim = claim_of(factors.get(g.factor), g.invasiveness)
        yield Claimed("group_rules.yaml", g.id, "sources", claim, g.basis, g.sources, g.clinician)
    for c in kb.drug_classes:
        yield Claimed("drug_classes.yaml", c.id, "sources", C.DRUG_SAFETY, c.basis, c.sources, c.reaction_clinician)
        if c.taking:
            yield Claimed("drug_classes.yaml", c.id, "taking", C.DRUG_SAFETY, c.basis, c.sources, c.taking_clinician)
    for x in kb.combinations:
        yield Claimed("medicine_combinations.yaml", x.id, "sources", C.DRUG_SAFETY, x.basis, x.sources, x.clinician)


@dataclass(frozen=True)
class Sourcing:
    """How the safety rules are sourced: read at the publisher, only second-hand, or a convention no source states."""

    rules: tuple[Claimed, ...]
    second_hand: tuple[Claimed, ...]
    convention: tuple[Claimed, ...]

    @classmethod
    def of(cls, kb: m.KnowledgeBase) -> Sourcing:
        rules = tuple(rules_of(kb))
        convention = tuple(r for r in rules if r.basis is m.Basis.CLINICAL_CONVENTION)
        second_hand = tuple(r for r in rules if r.basis is m.Basis.SOURCE and not r.verified(kb))
        return cls(rules, second_hand, convention)

    def counts(self) -> dict[str, int]:
        verified = len(self.rules) - len(self.second_hand) - len(self.convention)
        return {
            "rules": len(self.rules),
            "verified": verified,
            "second_hand": len(self.second_hand),
            "clinical_convention": len(self.convention),
        }


def check_attribution(kb: m.KnowledgeBase) -> None:
    """Raise KnowledgeError for a source claiming what its kind cannot state, or a rule whose sources cannot."""
    for s in kb.sources:
        extra = set(s.states) - CAN_STATE[s.type]
        if extra:
            fail(
                "sources.yaml", s.id, "states", f"a {s.type.value} source cannot state {sorted(c.value for c in extra)}"
            )
    for f in kb.factors:
        if f.kind in (m.FactorKind.JURISDICTION, m.FactorKind.CANNABIS_LAW):
            for sid in f.sources:
                if C.LAW not in kb.index["sources"][sid].states:
                    fail("factors.yaml", f.id, "sources", f"{sid} does not state the law")
    for rule in rules_of(kb):
        _check_rule(kb, rule)


def _check_rule(kb: m.KnowledgeBase, rule: Claimed) -> None:
    if rule.basis is m.Basis.CLINICAL_CONVENTION:
        if rule.sources:
            fail(rule.file, rule.record, rule.field, "a clinical-convention rule cites no source (none states it)")
    elif not rule.sources:
        fail(rule.file, rule.record, rule.field, "cite a source that states it, or say basis: clinical-convention")
    for sid in rule.sources:
        if rule.claim not in kb.index["sources"][sid].states:
            fail(rule.file, rule.record, rule.field, f"{sid} does not state {rule.claim.value} rules")
    if rule.clinician is None:
        fail(rule.file, rule.record, rule.field, "clinician wording is required (EHR cards show it)")
