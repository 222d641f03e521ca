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
from service.engine.plans import (
    ORDER,
    STAGE_INDEX,
    TipPlan,
    TreatmentPlan,
    plain_recommendation,
    rank_decision,
    tip_plan,
)
from service.engine.results import Recommended


@dataclass(frozen=True)
class Ranking:
    """A situation's kept options in rank order, as recommended to a report that concerns none of them and tried
    none, and the rank step's trace decision."""

    plans: tuple[TreatmentPlan, ...]
    recommended: tuple[Recommended, ...]
    decision: str

    @classmethod
    def of(cls, split: Split, stages: tuple[Stage, ...]) -> Ranking:
        plans = tuple(sorted(split.kept, key=ORDER))
        index = STAGE_INDEX[stages[0]]
        recommended = tuple(plain_recommendation(p, rank, index) for rank, p in enumerate(plans, start=1))
        return cls(plans, recommended, rank_decision(plans))


@dataclass(frozen=True)
class Prepared(Basis):
    tips: tuple[TipPlan, ...]
    actions: Mapping[Urgency, str]  # what to do, by triage level
    cannabis_laws: frozenset[str]  # ids of the cannabis_law factors
    # the shared split of every situation: each possible-stage tuple x each set of specialist options one report
    # can open (exclude.openable)
    baselines: Mapping[Situation, Split] = field(compare=False, repr=False)
    rankings: Mapping[Situation, Ranking] = field(compare=False, repr=False)  # each baseline's kept options, ranked
    tips_by_stages: Mapping[tuple[Stage, ...], tuple[TipPlan, ...]] = field(compare=False, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Prepared:
        basis = Basis.build(kb, lang)
        tips = tuple(tip_plan(tip, lang) for tip in kb.tips)
        situations = [(stages, opened) for stages in STAGE_SETS for opened in openable(basis)]
        baselines = {case: baseline(basis, case) for case in situations}
        return cls(
            **{f.name: getattr(basis, f.name) for f in fields(Basis)},
            tips=tips,
            # reversed, so the first action per level wins
            actions=MappingProxyType({a.level: a.action.get_text(lang) for a in reversed(kb.triage_actions)}),
            cannabis_laws=frozenset(f.id for f in kb.factors if f.kind is FactorKind.CANNABIS_LAW),
            baselines=MappingProxyType(baselines),
            rankings=MappingProxyType({case: Ranking.of(split, case[0]) for case, split in baselines.items()}),
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

    def ranking(self, case: Situation) -> Ranking:
        """The situation's ranking (see Ranking), prepared with its baseline."""
        found = self.rankings.get(case)
        if found is None:
            raise LookupError(f"no prepared ranking for {case!r}: Prepared.build missed a situation")
        return found

    def tips_for(self, stages: tuple[Stage, ...]) -> tuple[TipPlan, ...]:
        """The tips that fit every possible stage."""
        found = self.tips_by_stages.get(stages)
        if found is None:
            raise LookupError(f"no prepared tips for stages {stages!r}: Prepared.build missed a stage set")
        return found
