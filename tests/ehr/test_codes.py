"""The code maps are data: checked against the knowledge at start-up, every entry sourced, unverified ones marked."""

import copy
import json
from importlib import resources

import pytest

from service.ehr.codes import CodeMapError
from service.ehr.loader import load_codes

DATA = resources.files("service.ehr") / "data"
CODES = json.loads((DATA / "codes.json").read_text())
TEXTS = json.loads((DATA / "cards.json").read_text())


def entries():
    yield from CODES["conditions"] + CODES["red_flags"] + CODES["imaging"] + CODES["drugs"]
    for key in ("conditions", "status_observations", "status_values", "gestational_age_observations"):
        yield from CODES["pregnancy"][key]


def test_shipped_maps_load(codes, kb):
    assert codes.sciatica and {r.code for r in codes.sciatica} >= {"M54.31", "M54.42", "M51.16", "23056005"}
    assert codes.drug("5640").treatment == "nsaids"  # from treatments/nsaids.yaml
    assert codes.drug("140587").treatment == "nsaids"  # from codes.json
    assert codes.drug("25480").factor == "gabapentinoid" and codes.drug("25480").treatment == "gabapentin"


def test_every_entry_says_where_it_comes_from():
    for entry in entries():
        assert isinstance(entry["verified"], bool) and entry["basis"].strip(), entry


def test_verified_is_reserved_for_the_code_register():
    """Only RxCUIs listed [V] in clinical-evidence.md section 7.3 are marked verified; every other code is not."""
    verified = {e.get("rxnorm") or e["code"] for e in entries() if e["verified"]}
    assert verified == {"140587", "1191", "2670", "10689", "7052", "7804", "3322", "25480", "187832"}


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
    ]:
        assert codes.drug(rxnorm).treatment == treatment, rxnorm
    assert {r.code for r in codes.imaging} >= {"72148", "72131", "72100"}


@pytest.mark.parametrize(
    "breaks, message",
    [
        (lambda c, t: c["conditions"][0].update(factor="no-such-factor"), "not in the knowledge base"),
        (lambda c, t: c["conditions"][0].update(factor="anticoagulant"), "not in the knowledge base"),
        (lambda c, t: c["red_flags"][0].update(red_flag="no-such-flag"), "not in the knowledge base"),
        (lambda c, t: c["conditions"][0].update(system="icd-9"), "unknown system"),
        (lambda c, t: c["conditions"][0].update(basis=" "), "basis"),
        (lambda c, t: c["drugs"].append(dict(c["drugs"][0])), "duplicate RxCUI"),
        (
            lambda c, t: c["drugs"].append(
                {"rxnorm": "161", "name": "paracetamol", "treatment": "aspirin", "verified": True, "basis": "x"}
            ),
            "lists RxCUI",
        ),
        (lambda c, t: c["drugs"][0].update(factor="kidney-disease"), "not a medication factor"),
        (lambda c, t: c["stance_treatments"].append("no-such-treatment"), "unknown treatments"),
        (lambda c, t: t["imaging"].update(sources=["S999"]), "unknown red flags or sources"),
        (lambda c, t: t["override_reasons"].append({"code": "x", "display": ""}), "needs a display"),
        (lambda c, t: t["triage"].pop("soon"), "no wording for triage levels"),
        (lambda c, t: t["unread"].pop("medications"), "no wording for triage levels .* or unread"),
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
    unverified = [r.code for r in rules if not r.verified] + [d.rxnorm for d in codes.drugs if not d.verified]
    assert "192970008" in unverified and "G83.4" in unverified and "11289" in unverified
