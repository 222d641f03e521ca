"""Everything recommend() needs of one knowledge base in one language, worked out once and cached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.engine.models import FactorKind, KnowledgeBase, Msg, Stage, Urgency
from service.engine.plans import STAGE_FIELDS, TipPlan, TreatmentPlan, tip_plan, treatment_plan
from service.engine.results import Reason
from service.engine.say import Say

if TYPE_CHECKING:
    from service.engine.exclude import Split

PlanIndex = dict[object, tuple[int, ...]]  # key -> indexes of the plans it concerns


@dataclass(frozen=True)
class Prepared:
    say: Say
    treatments: tuple[TreatmentPlan, ...]
    tips: tuple[TipPlan, ...]
    not_for_stage: Reason
    actions: dict[Urgency, str]  # what to do, by triage level
    cannabis_laws: frozenset[str]  # ids of the cannabis_law factors
    # Which plans a report's factors, held kinds, avoided preferences and tried ids can exclude: every other
    # plan's exclusion depends only on the possible stages, so it is worked out once per stage set (`baselines`).
    by_factor: PlanIndex
    by_invasiveness: PlanIndex
    by_preference: PlanIndex
    by_tried: PlanIndex  # a tried id -> the plan itself and the other members of its drug classes
    specialist: tuple[TreatmentPlan, ...]  # plans with criteria of their own, read from every report
    combination_factors: frozenset[str]  # every factor a medicine combination names
    # the shared split by situation: (possible stages, the specialist options whose own criteria are met)
    baselines: dict[tuple[tuple[Stage, ...], frozenset[str]], Split] = field(
        default_factory=dict, compare=False, repr=False
    )
    tips_by_stages: dict[tuple[Stage, ...], tuple[TipPlan, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Prepared:
        say = Say(kb, lang)
        plans = tuple(treatment_plan(t, say, kb.drug_classes) for t in kb.treatments)
        by_tried = [(p.treatment.id, i) for i, p in enumerate(plans)]
        by_tried += [(m, i) for i, p in enumerate(plans) for c in p.classes for m in c.members if m != p.treatment.id]
        return cls(
            say,
            plans,
            tuple(tip_plan(tip, lang) for tip in kb.tips),
            say.reason("stage-fit", Msg.NOT_FOR_STAGE, STAGE_FIELDS),
            {a.level: a.action.get_text(lang) for a in reversed(kb.triage_actions)},  # so the first one per level wins
            frozenset(f.id for f in kb.factors if f.kind is FactorKind.CANNABIS_LAW),
            _index((factor, i) for i, p in enumerate(plans) for factor, _ in p.rules.excludes),
            _index((p.invasiveness, i) for i, p in enumerate(plans)),
            _index((pref, i) for i, p in enumerate(plans) for pref in p.treatment.avoid_if),
            _index(by_tried),
            tuple(p for p in plans if p.criteria is not None),
            frozenset(f for c in kb.combinations for f in (*c.all_of, *c.any_of)),
        )

    def touched(
        self, factors: Iterable[str], held: Iterable[object], avoid: Iterable[str], tried: Iterable[str]
    ) -> set[int]:
        """Indexes of the plans whose exclusion may depend on more than the possible stages."""
        out: set[int] = set()
        for keys, index in (
            (factors, self.by_factor),
            (held, self.by_invasiveness),
            (avoid, self.by_preference),
            (tried, self.by_tried),
        ):
            for key in keys:
                out.update(index.get(key, ()))
        return out

    def tips_for(self, stages: tuple[Stage, ...]) -> tuple[TipPlan, ...]:
        """The tips that fit every possible stage."""
        found = self.tips_by_stages.get(stages)
        if found is None:
            found = self.tips_by_stages[stages] = tuple(t for t in self.tips if t.stages.issuperset(stages))
        return found


def _index(pairs: Iterable[tuple[object, int]]) -> PlanIndex:
    out: PlanIndex = {}
    for key, i in pairs:
        if i not in out.get(key, ()):
            out[key] = (*out.get(key, ()), i)
    return out


_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, Prepared]] = {}


def prepared(kb: KnowledgeBase, lang: str) -> Prepared:
    """The plans for this knowledge base and language, built once (the knowledge base is immutable)."""
    entry = _CACHE.get((id(kb), lang))
    if entry is None or entry[0] is not kb:
        entry = _CACHE[id(kb), lang] = (kb, Prepared.build(kb, lang))
    return entry[1]
