"""The clinical safety case as data: hazards, their controls and verifications, and the DCB0129 risk matrix."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Likelihood(enum.Enum):
    """Ordered from least to most likely (DCB0160 implementation guidance)."""

    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Severity(enum.Enum):
    """Consequence for the person, ordered from least to most severe."""

    MINOR = "minor"
    SIGNIFICANT = "significant"
    CONSIDERABLE = "considerable"
    MAJOR = "major"
    CATASTROPHIC = "catastrophic"


class ControlKind(enum.Enum):
    RULE = "rule"  # an engine rule id, as named in every answer's trace
    KNOWLEDGE = "knowledge"  # a knowledge file, or file#record id
    CODE = "code"  # a module of the service, as a path inside the package
    TEST = "test"  # a gate that runs on every build (a test module)


@dataclass(frozen=True)
class Control:
    kind: ControlKind
    ref: str
    does: str  # how it stops or reduces the hazard


@dataclass(frozen=True)
class RiskLevel:
    rating: int  # 1 (acceptable) to 5 (unacceptable)
    label: str
    meaning: str


@dataclass(frozen=True)
class RiskMatrix:
    """Likelihood x severity -> rating; rows follow Likelihood's order, columns Severity's."""

    ratings: tuple[tuple[int, ...], ...]
    levels: tuple[RiskLevel, ...]
    standard: str
    sources: tuple[str, ...]

    def rating(self, likelihood: Likelihood, severity: Severity) -> int:
        return self.ratings[list(Likelihood).index(likelihood)][list(Severity).index(severity)]


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    description: str  # what goes wrong
    causes: tuple[str, ...]
    effect: str  # on the person
    severity: Severity
    likelihood: Likelihood  # before the controls
    controls: tuple[Control, ...]
    verification: tuple[str, ...]  # pytest node ids that show the controls work
    residual_severity: Severity
    residual_likelihood: Likelihood
    residual_note: str  # why the residual risk is acceptable, or what remains to be done
    classes: tuple[str, ...] = ()  # the failure classes of the review it answers (issue 11: 1-8)
