"""Load data/codes.json and data/cards.json and check every id they name against the knowledge base."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from service.ehr.codes import CodeMap, CodeMapError, CodeRule, DrugRule, normalize
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
        drugs=_drugs(kb, codes["drugs"]),
        nsaid_treatments=_treatments(kb, codes, "nsaid_treatments"),
        stance_treatments=_treatments(kb, codes, "stance_treatments"),
        imaging=rules("imaging", codes["imaging"], "imaging", anything),
        texts=_texts(kb, texts),
    )


def _drugs(kb: KnowledgeBase, items: list[dict[str, Any]]) -> tuple[DrugRule, ...]:
    """codes.json drugs plus every drug the treatments list, one rule per RxCUI, kb and data agreeing."""
    from_kb = {d.rxnorm: (d.name, t.id, d.rxnorm_verified) for t in kb.treatments for d in t.drugs}
    factors, out, seen = kb.index["factors"], [], set()
    for i, item in enumerate(items):
        where, rx = f"codes.json drugs[{i}]", item["rxnorm"]
        factor, treatment = item.get("factor"), item.get("treatment")
        if rx in seen:
            raise CodeMapError(f"{where}: duplicate RxCUI {rx}")
        if factor and (factor not in factors or factors[factor].kind is not FactorKind.MEDICATION):
            raise CodeMapError(f"{where}: {factor!r} is not a medication factor")
        known = from_kb.get(rx)
        if known and treatment and treatment != known[1]:
            raise CodeMapError(f"{where}: treatment {treatment!r} but {known[1]}.yaml lists RxCUI {rx}")
        treatment = treatment or (known[1] if known else None)
        if treatment is not None and treatment not in kb.index["treatments"]:
            raise CodeMapError(f"{where}: unknown treatment {treatment!r}")
        if not (factor or treatment) or not isinstance(item.get("verified"), bool) or not item.get("basis"):
            raise CodeMapError(f"{where}: needs a factor or a treatment, verified and a basis")
        seen.add(rx)
        out.append(
            DrugRule(
                rx,
                item["name"],
                factor,
                treatment,
                item["verified"],
                item["basis"],
                item.get("min_days"),
                _word(item["name"]),
            )
        )
    for rx, (name, treatment, verified) in from_kb.items():
        if rx not in seen:
            out.append(DrugRule(rx, name, None, treatment, verified, f"treatments/{treatment}.yaml", None, _word(name)))
    return tuple(out)


def _word(name: str) -> re.Pattern[str]:
    """Matches the ingredient's first word in a drug's display text (e.g. 'Ibuprofen 400 MG Oral Tablet')."""
    return re.compile(rf"\b{re.escape(name.split()[0])}\b", re.IGNORECASE)


def _treatments(kb: KnowledgeBase, codes: Mapping[str, Any], key: str) -> frozenset[str]:
    ids = frozenset(codes[key])
    unknown = ids - set(kb.index["treatments"])
    if unknown:
        raise CodeMapError(f"codes.json {key}: unknown treatments {sorted(unknown)}")
    return ids


def _texts(kb: KnowledgeBase, texts: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = set(texts["red_flag_labels"]) - set(kb.index["red_flags"])
    unknown |= set(texts["imaging"]["sources"]) - set(kb.index["sources"])
    if unknown:
        raise CodeMapError(f"cards.json names unknown red flags or sources: {sorted(unknown)}")
    if any(not r.get("display") for r in texts["override_reasons"]):
        raise CodeMapError("cards.json override_reasons: every reason needs a display")
    levels = {level.value for level in TRIAGE_LEVELS} - set(texts["triage"])
    unread = {*SAID, "title", "unrecognised", "more", "why"} - set(texts.get("unread", {}))
    if levels or unread:
        raise CodeMapError(f"cards.json has no wording for triage levels {sorted(levels)} or unread {sorted(unread)}")
    return texts
