"""Filtering the treatment list by category, stage, evidence and clinician need."""

from __future__ import annotations

from service.engine.models import Category, Certainty, Direction, Stage, Treatment

CERTAINTY_ORDER = list(Certainty)  # high first


def select_treatments(
    treatments: tuple[Treatment, ...],
    category: Category | None = None,
    stage: Stage | None = None,
    min_certainty: Certainty | None = None,
    direction: Direction | None = None,
    requires_clinician: bool | None = None,
) -> list[Treatment]:
    """Treatments matching every given filter, in knowledge-base order."""
    floor = CERTAINTY_ORDER.index(min_certainty) if min_certainty else len(CERTAINTY_ORDER)
    return [
        t
        for t in treatments
        if (category is None or t.category is category)
        and (stage is None or stage in t.stages)
        and CERTAINTY_ORDER.index(t.evidence.certainty) <= floor
        and (direction is None or t.evidence.direction is direction)
        and (requires_clinician is None or t.requires_clinician is requires_clinician)
    ]
