"""Wording of reason codes in one language, and the shared immutable reasons built from them."""

from __future__ import annotations

from service.engine.models import Combination, KnowledgeBase, Msg
from service.engine.results import Caution, Reason

# The message that names each unanswered question, put before a reason it leaves open.
UNANSWERED = {
    "age": Msg.UNANSWERED_AGE,
    "symptom_duration_days": Msg.UNANSWERED_DURATION,
    "pain_severity": Msg.UNANSWERED_PAIN,
    "pregnant": Msg.UNANSWERED_PREGNANT,
    "pregnancy_weeks": Msg.UNANSWERED_WEEKS,
    "breastfeeding": Msg.UNANSWERED_BREASTFEEDING,
    "conditions": Msg.UNANSWERED_CONDITIONS,
    "medications": Msg.UNANSWERED_MEDICATIONS,
}


class Say:
    """Wording of reason codes in one language, and the reasons built from them (immutable, so shared)."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.lang = lang
        self._texts = {msg.id: msg.text.get_text(lang) for msg in kb.messages}
        self._reasons: dict[object, Reason] = {}
        self._cautions: dict[tuple[Caution, str], Caution] = {}

    def __call__(self, code: Msg) -> str:
        return self._texts[code]

    def reason(self, rule: str, code: Msg, factors: tuple[str, ...] = ()) -> Reason:
        key = (rule, code, factors)
        found = self._reasons.get(key)
        if found is None:
            found = self._reasons[key] = Reason(rule, code.value, self._texts[code], factors)
        return found

    def unknown(self, reason: Reason, *fields: str) -> Reason:
        """`reason`, for something an unanswered question leaves open: it says which question and why it counts."""
        key = (reason, fields)
        found = self._reasons.get(key)
        if found is None:
            said = " ".join(self._texts[UNANSWERED[f]] for f in fields)
            extra = tuple(f for f in fields if f not in reason.factors)
            found = Reason(reason.rule, Msg.NOT_RULED_OUT.value, f"{said} {reason.text}", reason.factors + extra)
            self._reasons[key] = found
        return found

    def unknown_caution(self, caution: Caution, field: str) -> Caution:
        key = (caution, field)
        found = self._cautions.get(key)
        if found is None:
            found = Caution(caution.factor, caution.level, f"{self._texts[UNANSWERED[field]]} {caution.text}")
            self._cautions[key] = found
        return found

    def combination(self, combo: Combination, parts: tuple[str, ...]) -> Reason:
        key = ("combination", combo.id, parts)
        found = self._reasons.get(key)
        if found is None:
            text = f"{combo.reason.get_text(self.lang)} {combo.next_step.get_text(self.lang)}"
            found = Reason("medicine-combinations", Msg.MEDICINE_COMBINATION.value, text, parts)
            self._reasons[key] = found
        return found
