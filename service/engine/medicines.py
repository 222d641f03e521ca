"""`medications` items: medicine-class ids, or medicine names, brands and RxNorm codes mapped to their class ids.

The map (medicine_key -> class ids) is the EHR code map's (service.ehr.lookup), handed to the Engine when it is made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from service.engine.models import Factor, FactorKind, KnowledgeBase, Report

KNOWN_MEDICINES = (
    "send a class id (GET /v1/factors?kind=medication), or a name, brand or RxNorm code of GET /v1/medicines."
)


def medicine_key(text: str) -> str:
    """How a medicine's name, brand or RxNorm code is compared: case-insensitive, outer spaces ignored."""
    return text.strip().casefold()


def medicine_classes(report: Report, kb: KnowledgeBase, medicines: Mapping[str, tuple[str, ...]]) -> Report:
    """The report with each medicine name, brand or RxNorm code in `medications` as the medicine-class ids it means
    (`medicines`: medicine_key -> class ids, none for a medicine of no class); class ids stay as they are."""
    if not report.medications or not medicines:
        return report
    found = [(item, classes_of(item, kb, medicines)) for item in report.medications]
    classes = [fid for item, ids in found for fid in (ids if ids is not None else (item,))]  # unknown: check() says
    return dataclasses.replace(report, medications=tuple(dict.fromkeys(classes)))


def classes_of(item: str, kb: KnowledgeBase, medicines: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The class ids a `medications` item means: itself when a class id, else its medicine's classes, else None."""
    factor = kb.index["factors"].get(item)
    if isinstance(factor, Factor) and factor.kind is FactorKind.MEDICATION:
        return (item,)
    return medicines.get(medicine_key(item))
