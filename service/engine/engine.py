"""Engine: the knowledge base and its data prepared for every language, built once, then answering reports."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from service.engine.factors import check_report
from service.engine.medicines import medicine_classes
from service.engine.models import DEFAULT_LANGUAGE, KnowledgeBase, Report
from service.engine.prepared import Prepared
from service.engine.recommend import answer
from service.engine.results import Result


class Engine:
    """recommend() and check() over one knowledge base, everything prepared when it is made (immutable after).

    `medicines`: the medicine names, brands and RxNorm codes a report's `medications` may name besides class ids
    (medicine_key -> class ids; the EHR code map's, service.ehr.lookup); none by default."""

    __slots__ = ("kb", "medicines", "prepared")

    def __init__(self, kb: KnowledgeBase, medicines: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.kb = kb
        self.medicines: Mapping[str, tuple[str, ...]] = MappingProxyType(dict(medicines or {}))
        self.prepared: Mapping[str, Prepared] = MappingProxyType(
            {lang: Prepared.build(kb, lang) for lang in dict.fromkeys((*kb.languages, DEFAULT_LANGUAGE))}
        )

    def recommend(self, report: Report, lang: str = DEFAULT_LANGUAGE) -> Result:
        """The whole answer for `report` in `lang` (one of kb.languages); its ids must have passed check()."""
        ready = self.prepared.get(lang)
        if ready is None:
            raise LookupError(f"language {lang!r} is not one of the knowledge base's {self.kb.languages}")
        return answer(medicine_classes(report, self.kb, self.medicines), self.kb, ready)

    def check(self, report: Report) -> list[tuple[str, str]]:
        """Problems with the report's ids and combinations, as (field path, message) pairs (see check_report)."""
        return check_report(report, self.kb, self.medicines)
