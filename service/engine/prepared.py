"""Everything recommend() needs of one knowledge base in one language, worked out once and cached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.engine.models import FactorKind, KnowledgeBase, Msg, Urgency
from service.engine.plans import (
    GATE_FIELDS,
    STAGE_FIELDS,
    STAGES,
    TipPlan,
    TreatmentPlan,
    tip_plan,
    treatment_plan,
)
from service.engine.results import Reason
from service.engine.say import Say

if TYPE_CHECKING:
    from service.engine.exclude import Situation, Split

PlanIndex = dict[object, tuple[int, ...]]  # key -> indexes of the plans it concerns


@dataclass(frozen=True)
class Prepared:
    say: Say
    treatments: tuple[TreatmentPlan, ...]
    not_for_stage: Reason
    needs_assessment: Reason
    under_16: Reason
    tips_by_stage: tuple[tuple[TipPlan, ...], ...]  # by STAGE_INDEX
    actions: dict[Urgency, str]  # what to do, by triage level
    cannabis_laws: frozenset[str]  # ids of the cannabis_law factors
    # Which plans a report's factors, held categories, avoided preferences and tried ids can exclude: every other
    # plan's exclusion depends only on the situation, so it is worked out once per situation into `baselines`.
    by_factor: PlanIndex
    by_category: PlanIndex
    by_preference: PlanIndex
    by_id: PlanIndex
    baselines: dict[Situation, Split] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Prepared:
        say = Say(kb, lang)
        plans = tuple(treatment_plan(t, say) for t in kb.treatments)
        tips = tuple(tip_plan(tip, lang) for tip in kb.tips)
        return cls(
            say,
            plans,
            say.reason("stage-fit", Msg.NOT_FOR_STAGE, STAGE_FIELDS),
            say.reason("specialist-gate", Msg.NEEDS_ASSESSMENT_FIRST, GATE_FIELDS),
            say.reason("specialist-gate", Msg.UNDER_16, ("age",)),
            tuple(tuple(plan for plan in tips if stage in plan.stages) for stage in STAGES),
            {a.level: a.action.get_text(lang) for a in reversed(kb.triage_actions)},  # so the first one per level wins
            frozenset(f.id for f in kb.factors if f.kind is FactorKind.CANNABIS_LAW),
            _index((factor, i) for i, p in enumerate(plans) for factor, _ in p.rules.excludes),
            _index((p.category, i) for i, p in enumerate(plans)),
            _index((pref, i) for i, p in enumerate(plans) for pref in p.treatment.avoid_if),
            _index((p.treatment.id, i) for i, p in enumerate(plans)),
        )

    def touched(
        self, factors: Iterable[str], holds: Iterable[object], avoid: Iterable[str], tried: Iterable[str]
    ) -> set[int]:
        """Indexes of the plans whose exclusion may depend on more than the situation."""
        out: set[int] = set()
        for keys, index in (
            (factors, self.by_factor),
            (holds, self.by_category),
            (avoid, self.by_preference),
            (tried, self.by_id),
        ):
            for key in keys:
                out.update(index.get(key, ()))
        return out


def _index(pairs: Iterable[tuple[object, int]]) -> PlanIndex:
    out: PlanIndex = {}
    for key, i in pairs:
        out[key] = (*out.get(key, ()), i)
    return out


_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, Prepared]] = {}


def prepared(kb: KnowledgeBase, lang: str) -> Prepared:
    """The plans for this knowledge base and language, built once (the knowledge base is immutable)."""
    entry = _CACHE.get((id(kb), lang))
    if entry is None or entry[0] is not kb:
        entry = _CACHE[id(kb), lang] = (kb, Prepared.build(kb, lang))
    return entry[1]
