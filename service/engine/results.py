"""What the engine answers: triage, ranked and excluded options, tips, disclaimers and the rule trace."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.engine.models import Disclaimer, RedFlag, RuleLevel, Stage, Tip, Treatment, Urgency


@dataclass(frozen=True)
class Reason:
    """One human-readable reason, tied to the rule that produced it and the factors it read."""

    rule: str
    code: str
    text: str
    factors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Caution:
    factor: str
    level: RuleLevel
    text: str


@dataclass(frozen=True)
class Recommended:
    treatment: Treatment
    rank: int
    reasons: tuple[Reason, ...]
    cautions: tuple[Caution, ...]
    clinician_needed: bool


@dataclass(frozen=True)
class Excluded:
    treatment: Treatment
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class TipAdvice:
    tip: Tip
    cautions: tuple[Caution, ...]


@dataclass(frozen=True)
class Triage:
    level: Urgency
    reasons: tuple[Reason, ...]
    action: str


@dataclass(frozen=True)
class TraceStep:
    """One rule as evaluated: the inputs it read (name, value) and what it decided."""

    rule: str
    read: tuple[tuple[str, str], ...]
    decision: str


@dataclass(frozen=True)
class Result:
    triage: Triage
    stage: Stage
    stage_assumed: bool
    red_flags_screened: bool
    recommendations: tuple[Recommended, ...]
    excluded: tuple[Excluded, ...]
    tips: tuple[TipAdvice, ...]
    disclaimers: tuple[Disclaimer, ...]
    red_flag_checklist: tuple[RedFlag, ...]
    trace: tuple[TraceStep, ...]
    unanswered: tuple[str, ...] = ()  # request fields not answered, read the safer way


@dataclass
class Trace:
    """Collects trace steps in evaluation order."""

    steps: list[TraceStep] = field(default_factory=list)

    def add(self, rule: str, read: dict[str, object], decision: str) -> None:
        shown = []
        for name, value in read.items():
            shown.append((name, value if type(value) is str else _show(value)))
        self.steps.append(TraceStep(rule, tuple(shown), decision))


def _show(value: object) -> str:
    if value is None:
        return "not reported"
    if isinstance(value, tuple):  # already in a deterministic order
        return ", ".join(value) if value and type(value[0]) is str else ", ".join(map(str, value)) or "none"
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) or "none"
    return str(value)
