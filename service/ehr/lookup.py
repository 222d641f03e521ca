"""Medicine lookup: a name, brand or RxNorm code -> the medicines and their class (factor) ids, from the code map.

Built once from the CodeMap the EHR path reads (service.ehr.loader), so a code means the same classes for a report
as for a MedicationRequest, and a name or brand the same classes as the EHR's last resort, a name in a medicine's
text (DrugRule.named_in): drugs never matched by name there ("text: none") are not matched by name here either.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from service.ehr.codes import BRAND, CodeMap, DrugCode, DrugRule
from service.engine.medicines import medicine_key as key

MIN_QUERY = 2  # characters before names and brands are searched by prefix
MAX_MATCHES = 50


@dataclass(frozen=True)
class Medicine:
    """One answer of the lookup: a medicine name, brand or RxNorm code and the class (factor) ids it means.

    `term_type` as RxNorm names it: IN (ingredient), BN (brand name), SCD, SBD, GPCK, BPCK (products); `min_days`:
    the classes count only after this many days of use (long-term steroid tablets), else None."""

    name: str
    matched: str  # "name", "brand" or "rxnorm"
    rxnorm: str | None
    rxnorm_verified: bool
    term_type: str
    ingredients: tuple[str, ...]
    brands: tuple[str, ...]
    classes: tuple[str, ...]
    min_days: int | None


@dataclass(frozen=True)
class MedicineIndex:
    """Every medicine name, brand and RxNorm code of the code map, for prefix search and for reading a report."""

    named: Mapping[str, tuple[Medicine, ...]]  # key(name or brand) -> its medicines
    keys: tuple[str, ...]  # the keys of `named`, sorted (prefix search)
    codes: Mapping[str, Medicine]  # RxNorm code -> its medicine
    classes: Mapping[str, tuple[str, ...]]  # key(name, brand or code) -> class ids: what a report may name

    @classmethod
    def build(cls, codes: CodeMap) -> MedicineIndex:
        named: dict[str, list[Medicine]] = {}
        drugs = [d for d in codes.drugs if d.text != "none"]
        for drug in drugs:
            for name in (drug.name, *drug.names):
                named.setdefault(key(name), []).append(_ingredient(drug, name, "name"))
        by_brand: dict[str, list[DrugRule]] = {}
        for drug in drugs:
            for brand in drug.brands:
                by_brand.setdefault(brand, []).append(drug)
        for brand, members in by_brand.items():
            named.setdefault(key(brand), []).append(_brand(brand, members))
        by_code = {code: _product(found) for code, found in codes.drug_codes.items()}
        classes = {k: _union(m.classes for m in found) for k, found in named.items()}
        classes.update({code: m.classes for code, m in by_code.items()})
        return cls(
            MappingProxyType({k: tuple(sorted(v, key=_order)) for k, v in named.items()}),
            tuple(sorted(named)),
            MappingProxyType(by_code),
            MappingProxyType(classes),
        )

    def find(self, query: str) -> tuple[Medicine, ...]:
        """The medicines a query names: an RxNorm code exactly, else names and brands starting with it (at least
        MIN_QUERY characters), exact matches first; at most MAX_MATCHES; () when nothing matches."""
        q = key(query)
        if q.isdigit():
            found = self.codes.get(q)
            return (found,) if found else ()
        if len(q) < MIN_QUERY:
            return ()
        out: list[Medicine] = []
        for k in self.keys[bisect_left(self.keys, q) :]:
            if not k.startswith(q) or len(out) >= MAX_MATCHES:
                break
            out += self.named[k]
        return tuple(sorted(out, key=lambda m: (key(m.name) != q, _order(m))))[:MAX_MATCHES]


def _order(m: Medicine) -> tuple[bool, str]:
    return m.matched != "name", key(m.name)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted({c for g in groups for c in g}))


def _classes(drugs: Iterable[DrugRule]) -> tuple[str, ...]:
    return _union([d.factor] if d.factor else [] for d in drugs)


def _days(drugs: Iterable[DrugRule]) -> int | None:
    return max((d.min_days for d in drugs if d.min_days), default=None)


def _ingredient(drug: DrugRule, name: str, matched: str) -> Medicine:
    code = drug.rxnorm or None
    brands = tuple(sorted(drug.brands, key=key))
    return Medicine(
        name, matched, code, bool(code) and drug.verified, "IN", (drug.name,), brands, _classes([drug]), drug.min_days
    )


def _brand(brand: str, drugs: list[DrugRule]) -> Medicine:
    names = tuple(sorted(d.name for d in drugs))
    return Medicine(brand, "brand", None, False, "BN", names, (brand,), _classes(drugs), _days(drugs))


def _product(found: DrugCode) -> Medicine:
    if found.tty == "IN":
        return _ingredient(found.drugs[0], found.drugs[0].name, "rxnorm")
    brand = BRAND.search(found.display)
    names = tuple(d.name for d in found.drugs)
    brands = (brand.group(1).strip(),) if brand else ()
    days = _days(found.drugs)
    return Medicine(
        found.display, "rxnorm", found.code, found.verified, found.tty, names, brands, _classes(found.drugs), days
    )
