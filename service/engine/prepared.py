"""Everything recommend() needs of one knowledge base in one language, all worked out when it is built: the rules'
basis (basis.py), the tips and actions, and the shared split of every situation a report can be in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from service.engine.basis import Basis
from service.engine.exclude import Situation, Split, baseline, openable
from service.engine.factors import STAGE_SETS
from service.engine.models import FactorKind, KnowledgeBase, Stage, Urgency
from service.engine.plans import TipPlan, tip_plan


@dataclass(frozen=True)
class Prepared(Basis):
    tips: tuple[TipPlan, ...]
    actions: Mapping[Urgency, str]  # what to do, by triage level
    cannabis_laws: frozenset[str]  # ids of the cannabis_law factors
    # the shared split of every situation: each possible-stage tuple x each set of specialist options one report
    # can open (exclude.openable)
    baselines: Mapping[Situation, Split] = field(compare=False, repr=False)
    tips_by_stages: Mapping[tuple[Stage, ...], tuple[TipPlan, ...]] = field(compare=False, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Prepared:
        basis = Basis.build(kb, lang)
        tips = tuple(tip_plan(tip, lang) for tip in kb.tips)
        situations = [(stages, opened) for stages in STAGE_SETS for opened in openable(basis)]
        return cls(
            **{f.name: getattr(basis, f.name) for f in fields(Basis)},
            tips=tips,
            # reversed, so the first action per level wins
            actions=MappingProxyType({a.level: a.action.get_text(lang) for a in reversed(kb.triage_actions)}),
            cannabis_laws=frozenset(f.id for f in kb.factors if f.kind is FactorKind.CANNABIS_LAW),
            baselines=MappingProxyType({case: baseline(basis, case) for case in situations}),
            tips_by_stages=MappingProxyType(
                {stages: tuple(t for t in tips if t.stages.issuperset(stages)) for stages in STAGE_SETS}
            ),
        )

    def baseline(self, case: Situation) -> Split:
        """The shared split of a situation; every situation a report can be in was worked out at build time."""
        found = self.baselines.get(case)
        if found is None:
            raise LookupError(f"no prepared split for {case!r}: Prepared.build missed a situation")
        return found

    def tips_for(self, stages: tuple[Stage, ...]) -> tuple[TipPlan, ...]:
        """The tips that fit every possible stage."""
        found = self.tips_by_stages.get(stages)
        if found is None:
            raise LookupError(f"no prepared tips for stages {stages!r}: Prepared.build missed a stage set")
        return found
