"""Load data/codes.json and data/cards.json and check every id they name against the knowledge base."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from service.ehr.codes import CodeMap, CodeMapError, CodeRule, DrugCode, DrugRule, brand_names, normalize, words_pattern
from service.ehr.patient_view import TRIAGE_LEVELS
from service.ehr.unread import SAID
from service.engine.models import FactorKind, KnowledgeBase


def _data(name: str) -> Any:
    try:
        return json.loads((resources.files("service.ehr") / "data" / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CodeMapError(f"{name}: cannot read: {exc}") from None


def load_codes(kb: KnowledgeBase, codes: Any = None, texts: Any = None) -> CodeMap:
    """Read (or take) codes.json and cards.json and check every id they name against `kb`."""
    codes = _data("codes.json") if codes is None else codes
    texts = _data("cards.json") if texts is None else texts
    systems, aliases = codes["systems"], codes["system_aliases"]
    factors = kb.index["factors"]

    def rules(path: str, items: list[dict[str, Any]], key: str, check: Any) -> tuple[CodeRule, ...]:
        out = []
        for i, item in enumerate(items):
            where = f"codes.json {path}[{i}]"
            if item.get("system") not in systems or item.get("match") not in ("exact", "prefix"):
                raise CodeMapError(f"{where}: unknown system or match")
            if not isinstance(item.get("verified"), bool) or not str(item.get("basis", "")).strip():
                raise CodeMapError(f"{where}: needs verified (true/false) and a basis")
            if not check(item.get(key)):
                raise CodeMapError(f"{where}: {key} {item.get(key)!r} is not in the knowledge base")
            uri = systems[item["system"]]
            out.append(
                CodeRule(
                    uri,
                    normalize(uri, item["code"]),
                    item["match"] == "prefix",
                    item[key],
                    item["display"],
                    item["verified"],
                    item["basis"],
                    item.get("max_age_days"),
                    item.get("weeks_from_code", False),
                )
            )
        return tuple(out)

    def factor_of(kind: FactorKind) -> Any:
        return lambda fid: fid in factors and factors[fid].kind is kind

    preg = codes["pregnancy"]
    drugs, drug_codes = _drugs(kb, codes["drugs"])
    boolean = lambda v: isinstance(v, bool)  # noqa: E731
    anything = lambda v: isinstance(v, str) and bool(v)  # noqa: E731
    sciatica = tuple(
        CodeRule(c.system, normalize(c.system, c.code), False, True, c.display, True, "condition.yaml")
        for c in kb.condition.codes
    )
    return CodeMap(
        systems=systems,
        aliases=aliases,
        sciatica=sciatica,
        conditions=rules("conditions", codes["conditions"], "factor", factor_of(FactorKind.CONDITION)),
        red_flags=rules("red_flags", codes["red_flags"], "red_flag", lambda v: v in kb.index["red_flags"]),
        pregnancy_conditions=rules("pregnancy.conditions", preg["conditions"], "pregnant", boolean),
        pregnancy_status=rules("pregnancy.status_observations", preg["status_observations"], "observation", anything),
        pregnancy_values=rules("pregnancy.status_values", preg["status_values"], "pregnant", boolean),
        gestational_age=rules(
            "pregnancy.gestational_age_observations", preg["gestational_age_observations"], "observation", anything
        ),
        pregnancy_max_age_days=int(preg["max_age_days"]),
        drugs=drugs,
        nsaid_treatments=_treatments(kb, codes, "nsaid_treatments"),
        stance_treatments=_treatments(kb, codes, "stance_treatments"),
        imaging=rules("imaging", codes["imaging"], "imaging", anything),
        texts=_texts(kb, texts),
        drug_codes=drug_codes,
        drug_sources=codes["drugs"]["sources"],
    )


PRODUCT_TTYS = ("SCD", "SBD", "GPCK", "BPCK")
TEXT_MODES = ("any", "systemic", "none")


def _drugs(kb: KnowledgeBase, section: Mapping[str, Any]) -> tuple[tuple[DrugRule, ...], dict[str, DrugCode]]:
    """codes.json drugs (ingredients and their products) plus every drug the treatments list; data and kb agree."""
    from_kb = {d.rxnorm: (d, t.id) for t in kb.treatments for d in t.drugs}
    sources = _sources(section["sources"])
    items: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(section["ingredients"]):
        if item.get("name") in items or item.get("rxnorm", "-") in {x.get("rxnorm") for x in items.values()}:
            raise CodeMapError(f"codes.json drugs.ingredients[{i}]: duplicate name or duplicate RxCUI")
        items[item["name"]] = _ingredient(kb, from_kb, i, item)
    products = [_product(i, item, items, sources) for i, item in enumerate(section["products"])]
    for rx, (drug, treatment) in from_kb.items():  # a drug of the treatments that codes.json does not list
        if all(item.get("rxnorm") != rx for item in items.values()):
            names = [drug.name.split(" (")[0], *re.findall(r"\((\w[^)]*)\)", drug.name)]
            basis = f"treatments/{treatment}.yaml"
            items[drug.name] = dict(rxnorm=rx, name=drug.name, names=names, treatment=treatment, basis=basis)
            items[drug.name]["verified"] = drug.rxnorm_verified
    brands = brand_names(products)
    rules = {name: _rule(item, from_kb, brands) for name, item in items.items()}
    codes = {r.rxnorm: DrugCode(r.rxnorm, "IN", r.name, (r,), r.verified, r.basis) for r in rules.values() if r.rxnorm}
    for i, p in enumerate(products):
        if p["rxnorm"] in codes:
            raise CodeMapError(f"codes.json drugs.products[{i}]: duplicate RxCUI {p['rxnorm']}")
        basis = f"{p['tty']} listed as {p['display']!r} in {', '.join(p['from'])}"
        drugs = tuple(rules[n] for n in p["drugs"])
        codes[p["rxnorm"]] = DrugCode(p["rxnorm"], p["tty"], p["display"], drugs, p["verified"], basis)
    return tuple(rules.values()), codes


def _rule(item: Mapping[str, Any], from_kb: Mapping[str, Any], brands: Mapping[str, list[str]]) -> DrugRule:
    """A drug rule matching, in free text, its name, other names and the brands of the treatments and products."""
    known = from_kb.get(item.get("rxnorm", ""))
    others = tuple(dict.fromkeys(n for n in item.get("names", ()) if n != item["name"]))
    brand = tuple(dict.fromkeys([*(known[0].brands if known else ()), *brands.get(item["name"], ())]))
    said = (item["name"], item.get("factor"), item["treatment"], item["verified"], item["basis"], item.get("min_days"))
    pattern, text = words_pattern([item["name"], *others, *brand]), item.get("text", "any")
    return DrugRule(item.get("rxnorm", ""), *said, pattern, text, others, brand)


def _sources(sources: Mapping[str, Any]) -> Mapping[str, Any]:
    for sid, source in sources.items():
        if not isinstance(source.get("verified"), bool) or not str(source.get("basis", "")).strip():
            raise CodeMapError(f"codes.json drugs.sources[{sid!r}]: needs verified (true/false) and a basis")
    return sources


def _ingredient(kb: KnowledgeBase, from_kb: Mapping[str, Any], i: int, item: dict[str, Any]) -> dict[str, Any]:
    """One ingredient entry, checked: a medication factor and/or a treatment that agrees with the treatments."""
    where, rx = f"codes.json drugs.ingredients[{i}]", item.get("rxnorm", "")
    factor, treatment = item.get("factor"), item.get("treatment")
    factors = kb.index["factors"]
    if factor and (factor not in factors or factors[factor].kind is not FactorKind.MEDICATION):
        raise CodeMapError(f"{where}: {factor!r} is not a medication factor of the knowledge base")
    known = from_kb.get(rx)
    if known and treatment and treatment != known[1]:
        raise CodeMapError(f"{where}: treatment {treatment!r} but {known[1]}.yaml lists RxCUI {rx}")
    treatment = treatment or (known[1] if known else None)
    if treatment is not None and treatment not in kb.index["treatments"]:
        raise CodeMapError(f"{where}: unknown treatment {treatment!r}")
    sourced = isinstance(item.get("verified"), bool) and str(item.get("basis", "")).strip()
    if not ((factor or treatment) and sourced):
        raise CodeMapError(f"{where}: needs a factor or a treatment, verified and a basis")
    if item.get("text", "any") not in TEXT_MODES or (rx and not rx.isdigit()):
        raise CodeMapError(f"{where}: text must be one of {TEXT_MODES} and rxnorm digits")
    return {**item, "treatment": treatment}


def _product(i: int, item: dict[str, Any], drugs: Mapping[str, Any], sources: Mapping[str, Any]) -> dict[str, Any]:
    """One product entry, checked: a known term type that fits its display, which names each drug it lists."""
    where, display, tty = f"codes.json drugs.products[{i}]", str(item.get("display", "")), item.get("tty")
    if not str(item.get("rxnorm", "")).isdigit() or tty not in PRODUCT_TTYS or not display.strip():
        raise CodeMapError(f"{where}: needs an rxnorm code, a tty in {PRODUCT_TTYS} and a display")
    if display.startswith("{") != (tty in ("GPCK", "BPCK")) or display.endswith("]") != (tty in ("SBD", "BPCK")):
        raise CodeMapError(f"{where}: tty {tty} does not fit the display {display!r}")
    unknown = [d for d in item.get("drugs") or [None] if d not in drugs]
    if unknown:
        raise CodeMapError(f"{where}: unknown drugs {unknown}: each must be an ingredient's name")
    unnamed = [d for d in item["drugs"] if drugs[d].get("text") != "none" and not words_pattern([d]).search(display)]
    if unnamed:
        raise CodeMapError(f"{where}: the display {display!r} does not name {unnamed}")
    if not item.get("from") or any(s not in sources for s in item["from"]):
        raise CodeMapError(f"{where}: needs a basis: sources (from) among drugs.sources, not {item.get('from')}")
    if item.get("verified") is not any(sources[s]["verified"] for s in item["from"]):
        raise CodeMapError(f"{where}: verified must be true exactly when a verified source lists it")
    return item


def _treatments(kb: KnowledgeBase, codes: Mapping[str, Any], key: str) -> frozenset[str]:
    if unknown := frozenset(codes[key]) - set(kb.index["treatments"]):
        raise CodeMapError(f"codes.json {key}: unknown treatments {sorted(unknown)}")
    return frozenset(codes[key])


def _texts(kb: KnowledgeBase, texts: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = set(texts["red_flag_labels"]) - set(kb.index["red_flags"])
    unknown |= set(texts["imaging"]["sources"]) - set(kb.index["sources"])
    if unknown:
        raise CodeMapError(f"cards.json names unknown red flags or sources: {sorted(unknown)}")
    if any(not r.get("display") for r in texts["override_reasons"]):
        raise CodeMapError("cards.json override_reasons: every reason needs a display")
    levels = {level.value for level in TRIAGE_LEVELS} - set(texts["triage"])
    unread = {*SAID, "title", "unrecognised", "more", "why"} - set(texts.get("unread", {}))
    named = set(kb.languages) - set(texts["handout"]["languages"])  # each handout link names its language
    if levels or unread or named:
        missing = f"triage levels {sorted(levels)}, unread {sorted(unread)}, handout.languages {sorted(named)}"
        raise CodeMapError(f"cards.json has no wording for {missing}")
    return texts
