"""Engine: the knowledge base and its data prepared for every language, built once, then answering reports."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from service.engine.factors import check_report
from service.engine.models import DEFAULT_LANGUAGE, KnowledgeBase, Report
from service.engine.prepared import Prepared
from service.engine.recommend import answer
from service.engine.results import Result


class Engine:
    """recommend() and check() over one knowledge base, everything prepared when it is made (immutable after)."""

    __slots__ = ("kb", "prepared")

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.prepared: Mapping[str, Prepared] = MappingProxyType(
            {lang: Prepared.build(kb, lang) for lang in dict.fromkeys((*kb.languages, DEFAULT_LANGUAGE))}
        )

    def recommend(self, report: Report, lang: str = DEFAULT_LANGUAGE) -> Result:
        """The whole answer for `report` in `lang` (one of kb.languages); its ids must have passed check()."""
        ready = self.prepared.get(lang)
        if ready is None:
            raise LookupError(f"language {lang!r} is not one of the knowledge base's {self.kb.languages}")
        return answer(report, self.kb, ready)

    def check(self, report: Report) -> list[tuple[str, str]]:
        """Problems with the report's ids and combinations, as (field path, message) pairs (see check_report)."""
        return check_report(report, self.kb)
