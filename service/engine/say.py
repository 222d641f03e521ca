"""Wording of reason codes in one language, and the shared immutable reasons built from them."""

from __future__ import annotations

from service.engine.models import KnowledgeBase, Msg
from service.engine.results import Reason


class Say:
    """Wording of reason codes in one language, and the reasons built from them (immutable, so shared)."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.lang = lang
        self._texts = {msg.id: msg.text.get_text(lang) for msg in kb.messages}
        self._reasons: dict[tuple[str, Msg, tuple[str, ...]], Reason] = {}

    def __call__(self, code: Msg) -> str:
        return self._texts[code]

    def reason(self, rule: str, code: Msg, factors: tuple[str, ...] = ()) -> Reason:
        key = (rule, code, factors)
        found = self._reasons.get(key)
        if found is None:
            found = self._reasons[key] = Reason(rule, code.value, self._texts[code], factors)
        return found
