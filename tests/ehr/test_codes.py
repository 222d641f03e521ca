"""The code maps are data: checked against the knowledge at start-up, every entry sourced, unverified ones marked."""

import copy
import json
from collections import Counter
from importlib import resources

import pytest

from service.ehr.codes import CodeMapError
from service.ehr.loader import load_codes

DATA = resources.files("service.ehr") / "data"
CODES = json.loads((DATA / "codes.json").read_text())
TEXTS = json.loads((DATA / "cards.json").read_text())
DRUGS = CODES["drugs"]
REGISTER = {"140587", "1191", "2670", "10689", "7052", "7804", "3322", "25480", "187832", "161", "704", "38404"}


def entries():
    yield from CODES["conditions"] + CODES["red_flags"] + CODES["imaging"] + DRUGS["ingredients"]
    for key in ("conditions", "status_observations", "status_values", "gestational_age_observations"):
        yield from CODES["pregnancy"][key]


def named(name):
    return next(i for i, e in enumerate(DRUGS["ingredients"]) if e["name"] == name)


def product(rxnorm):
    return next(i for i, p in enumerate(DRUGS["products"]) if p["rxnorm"] == rxnorm)


def test_shipped_maps_load(codes, kb):
    assert codes.sciatica and {r.code for r in codes.sciatica} >= {"M54.31", "M54.42", "M51.16", "23056005"}
    assert codes.drug("5640").treatment == "nsaids"  # from treatments/nsaids.yaml
    assert codes.drug("140587").treatment == "nsaids"  # from codes.json
    assert codes.drug("25480").factor == "gabapentinoid" and codes.drug("25480").treatment == "gabapentin"


def test_every_entry_says_where_it_comes_from():
    for entry in entries():
        assert isinstance(entry["verified"], bool) and entry["basis"].strip(), entry
    for source in DRUGS["sources"].values():
        assert isinstance(source["verified"], bool) and " read at " in source["basis"], source
    for p in DRUGS["products"]:
        assert p["from"] and all(s in DRUGS["sources"] for s in p["from"]), p


def test_verified_is_reserved_for_nlm_lists_and_the_code_register():
    """An ingredient is verified only when the code register lists it [V]; a product only when a VSAC value set
    published by NLM lists it with this display; every other code is not."""
    verified = {e.get("rxnorm") or e["code"] for e in entries() if e["verified"]}
    assert verified == REGISTER
    nlm = {sid for sid, s in DRUGS["sources"].items() if s["verified"]}
    assert all(sid.startswith("vsac:") and "publisher NLM" in DRUGS["sources"][sid]["basis"] for sid in nlm)
    assert all(p["verified"] == any(s in nlm for s in p["from"]) for p in DRUGS["products"])


@pytest.mark.parametrize(
    "rxnorm, tty, drugs, treatment, factor",
    [
        ("5640", "IN", ["ibuprofen"], "nsaids", "nsaid"),
        ("197806", "SCD", ["ibuprofen"], "nsaids", "nsaid"),  # named in the issue
        ("197807", "SCD", ["ibuprofen"], "nsaids", "nsaid"),
        ("310965", "SCD", ["ibuprofen"], "nsaids", "nsaid"),
        ("201152", "SBD", ["ibuprofen"], "nsaids", "nsaid"),
        ("198014", "SCD", ["naproxen"], "nsaids", "nsaid"),
        ("849574", "SCD", ["naproxen"], "nsaids", "nsaid"),
        ("855926", "SCD", ["diclofenac"], "nsaids", "nsaid"),
        ("213469", "SBD", ["celecoxib"], "nsaids", "nsaid"),
        ("855332", "SCD", ["warfarin"], None, "anticoagulant"),  # named in the issue
        ("1364445", "SCD", ["apixaban"], None, "anticoagulant"),
        ("1549682", "GPCK", ["rivaroxaban"], None, "anticoagulant"),
        ("309362", "SCD", ["clopidogrel"], None, "antiplatelet"),
        ("243670", "SCD", ["aspirin"], "aspirin", "antiplatelet"),
        ("1049640", "SBD", ["acetaminophen", "oxycodone"], "paracetamol", None),
        ("858770", "SCD", ["hydrocodone", "ibuprofen"], "opioids", "opioid"),
        ("1740008", "BPCK", ["fentanyl"], "opioids", "opioid"),
        ("310431", "SCD", ["gabapentin"], "gabapentin", "gabapentinoid"),
        ("763185", "GPCK", ["prednisone"], "oral-corticosteroids", "long-term-corticosteroid"),
        ("312941", "SCD", ["sertraline"], None, "ssri-snri"),
        ("749856", "GPCK", ["hormonal contraceptive"], None, "hormonal-contraceptive"),
    ],
)
def test_clinical_drugs_branded_drugs_and_packs_name_their_medicines(codes, rxnorm, tty, drugs, treatment, factor):
    found = codes.drug_code(rxnorm)
    assert (found.tty, [d.name for d in found.drugs]) == (tty, drugs)
    assert found.drugs[0].treatment == treatment and found.drugs[0].factor == factor
    assert found.basis.strip()


@pytest.mark.parametrize(
    "text, names",
    [
        ("Ibuprofen 400 mg tablet", ["ibuprofen"]),
        ("Nurofen 200mg", ["ibuprofen"]),  # a brand of treatments/nsaids.yaml
        ("Eliquis 5 mg tablet", ["apixaban"]),  # a brand of a branded drug's name
        ("Percocet 5/325", ["oxycodone", "acetaminophen"]),  # a combination's brand: both medicines
        ("paracetamol 500 mg", ["acetaminophen"]),
        ("prednisolone 5 mg tablets", ["prednisolone"]),
        ("prednisolone acetate 1% eye drops", []),  # a steroid acting where it is put is not a steroid tablet
        ("escitalopram 10 mg", ["escitalopram"]),  # not citalopram as well
        ("dihydrocodeine 30 mg", ["dihydrocodeine"]),  # not codeine as well
        ("levonorgestrel 1.5 mg", []),  # contraceptives count by product code only
        ("Herbal sleep remedy", []),
    ],
)
def test_names_and_brands_are_the_last_resort(codes, text, names):
    assert [d.name for d in codes.drugs_named(text)] == names


def test_term_types_and_sources_are_counted():
    """Not an assertion of correctness: the coverage the report states, kept in step with the data."""
    by_tty = Counter(p["tty"] for p in DRUGS["products"])
    assert set(by_tty) == {"SCD", "SBD", "GPCK", "BPCK"} and sum(by_tty.values()) == len(DRUGS["products"]) > 1500
    assert sum(p["verified"] for p in DRUGS["products"]) > 700


def test_issue_brief_codes_are_mapped(codes):
    for rxnorm, treatment in [
        ("5640", "nsaids"),
        ("7258", "nsaids"),
        ("3355", "nsaids"),
        ("1191", "aspirin"),
        ("140587", "nsaids"),
        ("25480", "gabapentin"),
        ("187832", "pregabalin"),
        ("8640", "oral-corticosteroids"),
        ("3322", "benzodiazepines"),
        ("2670", "opioids"),
        ("10689", "opioids"),
        ("7052", "opioids"),
        ("7804", "opioids"),
        ("197806", "nsaids"),
    ]:
        assert codes.drug(rxnorm).treatment == treatment, rxnorm
    assert codes.drug("855332").factor == "anticoagulant"
    assert {r.code for r in codes.imaging} >= {"72148", "72131", "72100"}


def ingredient(**extra):
    return {"name": "x", "treatment": "aspirin", "verified": False, "basis": "b"} | extra


@pytest.mark.parametrize(
    "breaks, message",
    [
        (lambda c, t: c["conditions"][0].update(factor="no-such-factor"), "not in the knowledge base"),
        (lambda c, t: c["conditions"][0].update(factor="anticoagulant"), "not in the knowledge base"),
        (lambda c, t: c["red_flags"][0].update(red_flag="no-such-flag"), "not in the knowledge base"),
        (lambda c, t: c["conditions"][0].update(system="icd-9"), "unknown system"),
        (lambda c, t: c["conditions"][0].update(basis=" "), "basis"),
        (lambda c, t: c["drugs"]["ingredients"][0].update(factor="no-such-factor"), "not a medication factor"),
        (lambda c, t: c["drugs"]["ingredients"][0].update(factor="kidney-disease"), "not a medication factor"),
        (lambda c, t: c["drugs"]["ingredients"][0].update(basis=" "), "needs a factor or a treatment, verified and a"),
        (lambda c, t: c["drugs"]["ingredients"][0].update(text="sometimes"), "text must be one of"),
        (lambda c, t: c["drugs"]["ingredients"][named("acetaminophen")].update(treatment="aspirin"), "lists RxCUI"),
        (lambda c, t: c["drugs"]["ingredients"].append(ingredient(name="ibuprofen")), "duplicate name"),
        (lambda c, t: c["drugs"]["ingredients"].append(ingredient(rxnorm="11289", name="y")), "duplicate RxCUI"),
        (lambda c, t: c["drugs"]["products"].append(dict(c["drugs"]["products"][0])), "duplicate RxCUI"),
        (lambda c, t: c["drugs"]["products"][0].update(rxnorm="5640"), "duplicate RxCUI"),
        (lambda c, t: c["drugs"]["products"][0].update(tty="SCDC"), "a tty in"),
        (lambda c, t: c["drugs"]["products"][product("197806")].update(tty="SBD"), "does not fit the display"),
        (lambda c, t: c["drugs"]["products"][product("197806")].update(drugs=["no-such-drug"]), "unknown drugs"),
        (lambda c, t: c["drugs"]["products"][product("197806")].update(drugs=["naproxen"]), "does not name"),
        (lambda c, t: c["drugs"]["products"][0].update({"from": []}), "needs a basis"),
        (lambda c, t: c["drugs"]["products"][0].update({"from": ["nowhere"]}), "needs a basis"),
        (lambda c, t: c["drugs"]["products"][product("855332")].update(verified=False), "verified must be true"),
        (lambda c, t: c["drugs"]["products"][product("197806")].update(verified=True), "verified must be true"),
        (lambda c, t: c["drugs"]["sources"]["cds-hooks-sandbox"].update(basis=""), "needs verified .* and a basis"),
        (lambda c, t: c["stance_treatments"].append("no-such-treatment"), "unknown treatments"),
        (lambda c, t: t["imaging"].update(sources=["S999"]), "unknown red flags or sources"),
        (lambda c, t: t["override_reasons"].append({"code": "x", "display": ""}), "needs a display"),
        (lambda c, t: t["triage"].pop("soon"), "no wording for triage levels"),
        (lambda c, t: t["unread"].pop("medications"), r"no wording for .* unread \['medications'\]"),
        (lambda c, t: t["handout"]["languages"].pop("es"), r"no wording for .* handout.languages \['es'\]"),
    ],
)
def test_defects_stop_the_start(kb, breaks, message):
    codes, texts = copy.deepcopy(CODES), copy.deepcopy(TEXTS)
    breaks(codes, texts)
    with pytest.raises(CodeMapError, match=message):
        load_codes(kb, codes, texts)


def test_unverified_codes_are_listed(codes):
    """Not an assertion of correctness: the list a terminologist should check before go-live (see the report)."""
    rules = (*codes.conditions, *codes.red_flags, *codes.imaging, *codes.pregnancy_conditions, *codes.gestational_age)
    unverified = [r.code for r in rules if not r.verified] + [
        c.code for c in codes.drug_codes.values() if not c.verified
    ]
    assert "192970008" in unverified and "G83.4" in unverified and "11289" in unverified and "197806" in unverified
