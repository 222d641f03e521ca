"""What the triage and exclusion rules need of one knowledge base in one language: the plans, the indexes from a
report's answers to the plans they concern, and the wording. No per-situation work: see prepared.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from service.engine.models import KnowledgeBase, Msg
from service.engine.plans import STAGE_FIELDS, TreatmentPlan, treatment_plan
from service.engine.results import Reason
from service.engine.say import Say

PlanIndex = Mapping[object, tuple[int, ...]]  # key -> indexes of the plans it concerns


@dataclass(frozen=True)
class Basis:
    say: Say
    treatments: tuple[TreatmentPlan, ...]
    not_for_stage: Reason
    # Which plans a report's factors, held kinds, avoided preferences and tried ids can exclude: every other
    # plan's exclusion depends only on the situation (possible stages, specialist options open), worked out up front.
    by_factor: PlanIndex
    by_invasiveness: PlanIndex
    by_preference: PlanIndex
    by_tried: PlanIndex  # a tried id -> the plan itself and the other members of its drug classes
    by_read: PlanIndex  # a factor -> the plans whose rules read it (to exclude or to caution)
    specialist: tuple[TreatmentPlan, ...]  # plans with criteria of their own, read from every report
    combination_factors: frozenset[str]  # every factor a medicine combination names

    @classmethod
    def build(cls, kb: KnowledgeBase, lang: str) -> Basis:
        say = Say(kb, lang)
        plans = tuple(treatment_plan(t, say, kb.drug_classes) for t in kb.treatments)
        by_tried = [(p.treatment.id, i) for i, p in enumerate(plans)]
        by_tried += [(m, i) for i, p in enumerate(plans) for c in p.classes for m in c.members if m != p.treatment.id]
        return cls(
            say,
            plans,
            say.reason("stage-fit", Msg.NOT_FOR_STAGE, STAGE_FIELDS),
            _index((factor, i) for i, p in enumerate(plans) for factor, _ in p.rules.excludes),
            _index((p.invasiveness, i) for i, p in enumerate(plans)),
            _index((pref, i) for i, p in enumerate(plans) for pref in p.treatment.avoid_if),
            _index(by_tried),
            _index((factor, i) for i, p in enumerate(plans) for factor in p.rules.reads),
            tuple(p for p in plans if p.criteria is not None),
            frozenset(f for c in kb.combinations for f in (*c.all_of, *c.any_of)),
        )

    def touched(
        self, factors: Iterable[str], held: Iterable[object], avoid: Iterable[str], tried: Iterable[str]
    ) -> set[int]:
        """Indexes of the plans whose exclusion may depend on more than the situation."""
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

    def reading(self, factors: Iterable[str]) -> set[str]:
        """The ids of the treatments whose rules read any of `factors` (what the report says concerns them)."""
        return {self.treatments[i].treatment.id for factor in factors for i in self.by_read.get(factor, ())}


def _index(pairs: Iterable[tuple[object, int]]) -> PlanIndex:
    out: dict[object, tuple[int, ...]] = {}
    for key, i in pairs:
        if i not in out.get(key, ()):
            out[key] = (*out.get(key, ()), i)
    return MappingProxyType(out)
