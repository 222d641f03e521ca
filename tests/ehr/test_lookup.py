"""The medicine lookup (GET /v1/medicines) reads the EHR code map: it finds what a typing app needs, and every code,
name and brand means the same classes as when a MedicationRequest names it."""

from datetime import date

import pytest

from service.ehr.lookup import MAX_MATCHES, MedicineIndex
from service.ehr.medicines import read_medicines

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def index(codes):
    return MedicineIndex.build(codes)


def request_for(code="", text=""):
    """An active MedicationRequest, started long ago (past every min_days), naming a medicine by code or text."""
    concept = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code}]} if code else {}
    concept |= {"text": text} if text else {}
    med = {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "authoredOn": "2020-01-01"}
    return med | {"medicationCodeableConcept": concept}


def ehr_classes(codes, **named):
    """The medicine-class factors the EHR path reads from one MedicationRequest."""
    found, _, _ = read_medicines([request_for(**named)], [], codes, TODAY)
    return tuple(sorted({f.target for f in found}))


@pytest.mark.parametrize(
    "q, first, matched, classes",
    [
        ("warfarin", "warfarin", "name", ("anticoagulant",)),
        ("WARF", "warfarin", "name", ("anticoagulant",)),
        ("  Warfarin ", "warfarin", "name", ("anticoagulant",)),
        ("11289", "warfarin", "rxnorm", ("anticoagulant",)),
        ("coumadin", "Coumadin", "brand", ("anticoagulant",)),
        ("advil", "Advil", "brand", ("nsaid",)),
        ("paracetamol", "paracetamol", "name", ()),  # known, in no class the rules read
        ("161", "acetaminophen", "rxnorm", ()),
        ("Tylenol with", "Tylenol with Codeine", "brand", ("opioid",)),  # a combination: every part's classes
        ("pred", "prednisolone", "name", ("long-term-corticosteroid",)),
    ],
)
def test_lookup_finds_names_brands_and_codes(index, q, first, matched, classes):
    found = index.find(q)
    assert (found[0].name, found[0].matched, found[0].classes) == (first, matched, classes)


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("w", id="one-letter"),
        pytest.param("", id="empty"),
        pytest.param("zzqx", id="unknown-name"),
        pytest.param("999999999", id="unknown-code"),
        pytest.param("1128", id="code-prefix"),  # codes are exact, never prefixes
        pytest.param("arfarin", id="not-a-prefix"),
        pytest.param("hormonal contraceptive", id="never-by-name"),  # the EHR path never reads it by name either
    ],
)
def test_lookup_finds_nothing(index, q):
    assert index.find(q) == ()


def test_exact_match_first_then_names_before_brands(index):
    found = index.find("ox")
    assert len(found) > 4
    kinds = [m.matched for m in found]
    assert kinds == sorted(kinds, key=lambda k: k != "name")
    assert [m.name.casefold() for m in found if m.matched == "name"] == sorted(
        m.name.casefold() for m in found if m.matched == "name"
    )
    assert index.find("tylenol")[0].name == "Tylenol"


def test_matches_are_capped(index):
    assert all(len(index.find(q)) <= MAX_MATCHES for q in ("co", "di", "me", "pr", "ox", "hy", "al"))


def test_a_combination_product_code_names_every_ingredient(index):
    found = index.find("1491834")[0]  # 12 HR Acetaminophen 325 MG / Oxycodone Hydrochloride 7.5 MG ... [Xartemis]
    assert (found.term_type, found.ingredients, found.brands, found.classes) == (
        "SBD",
        ("acetaminophen", "oxycodone"),
        ("Xartemis",),
        ("opioid",),
    )


def test_every_code_means_the_same_classes_as_in_a_medication_request(codes, index):
    differ = {
        code: (index.classes[code], ehr_classes(codes, code=code))
        for code in codes.drug_codes
        if index.classes[code] != ehr_classes(codes, code=code)
    }
    assert not differ
    assert len(index.codes) == len(codes.drug_codes) > 1000


def test_every_drug_is_found_by_its_code_and_its_names_with_its_class(codes, index):
    for drug in codes.drugs:
        mine = (drug.factor,) if drug.factor else ()
        if drug.rxnorm:
            assert index.find(drug.rxnorm)[0].classes == mine, drug.name
        if drug.text != "none":
            for name in (drug.name, *drug.names):
                assert mine == tuple(sorted(set(index.classes[name.casefold()]))), name


def test_every_name_and_brand_means_what_the_ehr_reads_in_a_medicines_text(codes, index):
    named = [k for k in index.classes if not k.isdigit()]
    differ = {
        k: (index.classes[k], ehr_classes(codes, text=k))
        for k in named
        if index.classes[k] != ehr_classes(codes, text=k)
    }
    assert not differ
    assert len(named) > 200


def test_min_days_travel_with_the_classes(index):
    assert index.find("prednisone")[0].min_days == 28
    assert index.find("warfarin")[0].min_days is None
