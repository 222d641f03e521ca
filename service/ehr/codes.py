"""Code rules and the code map: which FHIR codings mean which knowledge ids (loaded by service.ehr.loader)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Coding = tuple[str, str, str]  # (system URI, code, display)

NEVER = re.compile(r"(?!)")
BRAND = re.compile(r"\[([^\[\]\d]+)\]$")  # 'ibuprofen 200 MG Oral Tablet [Advil]' (brands with digits are left out)
# Forms in which a medicine acts where it is put: a name in such a text does not mean a systemic medicine.
LOCAL_FORMS = re.compile(
    r"\b(?:topical|ophthalmic|otic|cream|ointment|lotion|shampoo|foam|enema|eye|ear|nasal|inhal\w*|dental|vaginal)\b",
    re.IGNORECASE,
)


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
    """A coded item of the record that maps to a knowledge id (factor, red flag, treatment, ...).

    `matched`: how a medicine was recognised - "code" (an RxNorm code of the medicine), "ingredient" (the codes
    of its Medication's ingredients) or "text" (its name only, the last resort)."""

    target: str
    label: str
    code: str
    source: str
    matched: str = "code"


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
    """A medicine the rules read: its class factor and/or the treatment an order of it is checked as.

    `rxnorm` is its RxNorm ingredient (IN) RxCUI, "" when none is recorded (then only its products and name
    match); `pattern` matches its name, its other `names` and its `brands` in free text; `text` says where: "any",
    "systemic" (not in a topical, eye, ear, nasal or inhaled form) or "none"."""

    rxnorm: str
    name: str
    factor: str | None
    treatment: str | None
    verified: bool
    basis: str
    min_days: int | None = None
    pattern: re.Pattern[str] = field(compare=False, default=NEVER)
    text: str = "any"
    names: tuple[str, ...] = field(compare=False, default=())  # other names (paracetamol for acetaminophen)
    brands: tuple[str, ...] = field(compare=False, default=())

    def named_in(self, text: str) -> bool:
        if self.text == "none" or (self.text == "systemic" and LOCAL_FORMS.search(text)):
            return False
        return bool(self.pattern.search(text))


@dataclass(frozen=True)
class DrugCode:
    """One RxNorm code of a medicine: an ingredient (IN) or a clinical drug, branded drug or pack (SCD, SBD, GPCK,
    BPCK) and every medicine it contains."""

    code: str
    tty: str
    display: str
    drugs: tuple[DrugRule, ...]
    verified: bool
    basis: str


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
    drug_codes: Mapping[str, DrugCode] = field(default_factory=dict)
    drug_sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def system(self, uri: str) -> str:
        """The canonical FHIR system URI for `uri` (an OID alias or the URI itself)."""
        alias = self.aliases.get(uri.strip())
        return self.systems[alias] if alias else uri.strip()

    def drug_code(self, code: str) -> DrugCode | None:
        """The RxNorm code (ingredient, clinical or branded drug, pack) as listed, or None."""
        return self.drug_codes.get(code.strip())

    def drugs_for(self, code: str) -> tuple[DrugRule, ...]:
        """Every medicine an RxNorm code contains (more than one for a combination product)."""
        found = self.drug_code(code)
        return found.drugs if found else ()

    def drug(self, code: str) -> DrugRule | None:
        return next(iter(self.drugs_for(code)), None)

    def drugs_named(self, text: str) -> tuple[DrugRule, ...]:
        """Every medicine whose name or brand name the text contains (the last resort: no code matched)."""
        return tuple(d for d in self.drugs if d.named_in(text))

    def drug_named(self, text: str) -> DrugRule | None:
        return next(iter(self.drugs_named(text)), None)


def brand_names(products: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Brand names of the branded drugs and packs, by drug; a brand naming different drug sets is not used."""
    seen: dict[str, set[tuple[str, ...]]] = {}
    for p in products:
        found = BRAND.search(p["display"])
        if found:
            seen.setdefault(found.group(1).strip(), set()).add(tuple(p["drugs"]))
    out: dict[str, list[str]] = {}
    for brand, sets in seen.items():
        if len(sets) == 1:
            for drug in next(iter(sets)):
                out.setdefault(drug, []).append(brand)
    return out


def words_pattern(names: list[str]) -> re.Pattern[str]:
    """Matches any of the names as whole words in a drug's text (e.g. 'Ibuprofen 400 MG Oral Tablet [Motrin]')."""
    alternatives = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    if not alternatives:
        return NEVER
    return re.compile(rf"\b(?:{'|'.join(re.escape(n) for n in alternatives)})\b", re.IGNORECASE)


def first_match(rules: Iterable[CodeRule], codings: Iterable[Coding]) -> tuple[CodeRule, Coding] | None:
    """The first rule matching any of the codings (rules in data order)."""
    codings = list(codings)
    for rule in rules:
        for coding in codings:
            if rule.matches(coding[0], coding[1]):
                return rule, coding
    return None
