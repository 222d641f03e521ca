"""Code rules and the code map: which FHIR codings mean which knowledge ids (loaded by service.ehr.loader)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Coding = tuple[str, str, str]  # (system URI, code, display)


class CodeMapError(ValueError):
    """A defect in codes.json or cards.json: the service refuses to start with it."""


def normalize(system: str, code: str) -> str:
    """ICD-10-CM codes upper-case with their dot (M5431 -> M54.31); other codes stripped."""
    code = code.strip()
    if system.endswith("icd-10-cm"):
        code = code.upper()
        if "." not in code and len(code) > 3:
            code = f"{code[:3]}.{code[3:]}"
    return code


@dataclass(frozen=True)
class Finding:
    """A coded item of the record that maps to a knowledge id (factor, red flag, treatment, ...)."""

    target: str
    label: str
    code: str
    source: str


@dataclass(frozen=True)
class CodeRule:
    """One code (or code prefix) of one system and what it maps to."""

    system: str
    code: str
    prefix: bool
    target: Any
    display: str
    verified: bool
    basis: str
    max_age_days: int | None = None
    weeks_from_code: bool = False

    def matches(self, system: str, code: str) -> bool:
        if system != self.system:
            return False
        code = normalize(system, code)
        return code.startswith(self.code) if self.prefix else code == self.code


@dataclass(frozen=True)
class DrugRule:
    """An RxNorm ingredient: its medicine-class factor and/or the treatment it belongs to."""

    rxnorm: str
    name: str
    factor: str | None
    treatment: str | None
    verified: bool
    basis: str
    min_days: int | None = None
    pattern: re.Pattern[str] = field(compare=False, default=re.compile(r"(?!)"))


@dataclass(frozen=True)
class CodeMap:
    systems: Mapping[str, str]
    aliases: Mapping[str, str]
    sciatica: tuple[CodeRule, ...]
    conditions: tuple[CodeRule, ...]
    red_flags: tuple[CodeRule, ...]
    pregnancy_conditions: tuple[CodeRule, ...]
    pregnancy_status: tuple[CodeRule, ...]
    pregnancy_values: tuple[CodeRule, ...]
    gestational_age: tuple[CodeRule, ...]
    pregnancy_max_age_days: int
    drugs: tuple[DrugRule, ...]
    nsaid_treatments: frozenset[str]
    stance_treatments: frozenset[str]
    imaging: tuple[CodeRule, ...]
    texts: Mapping[str, Any]

    def system(self, uri: str) -> str:
        """The canonical FHIR system URI for `uri` (an OID alias or the URI itself)."""
        alias = self.aliases.get(uri.strip())
        return self.systems[alias] if alias else uri.strip()

    def drug(self, code: str) -> DrugRule | None:
        return next((d for d in self.drugs if d.rxnorm == code.strip()), None)

    def drug_named(self, text: str) -> DrugRule | None:
        return next((d for d in self.drugs if d.pattern.search(text)), None)


def first_match(rules: Iterable[CodeRule], codings: Iterable[Coding]) -> tuple[CodeRule, Coding] | None:
    """The first rule matching any of the codings (rules in data order)."""
    codings = list(codings)
    for rule in rules:
        for coding in codings:
            if rule.matches(coding[0], coding[1]):
                return rule, coding
    return None
