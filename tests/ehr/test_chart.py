"""FHIR R4 -> Report mapping: the fixture bundles, the edge cases, and robustness against malformed FHIR."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.ehr import chart as chart_module
from service.ehr import pregnancy
from service.ehr.chart import read_chart, to_report
from service.ehr.codes import normalize
from service.ehr.hooks import evaluate
from service.ehr.medicines import drug_of, recognise
from service.schemas.base import RANGES
from tests.ehr.conftest import cases, ehr_context

TODAY = date(2026, 11, 20)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
NDC = "http://hl7.org/fhir/sid/ndc"


def condition(code, system=ICD, **extra):
    return {"resourceType": "Condition", "code": {"coding": [{"system": system, "code": code}]}} | extra


def bundle(*resources):
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


@pytest.mark.parametrize("case", cases(lambda c: "report" in c["expect"]))
def test_fixture_maps_to_the_expected_report(case, codes):
    request = case["request"]
    chart = read_chart(request["prefetch"], request["context"]["patientId"], codes, date.fromisoformat(case["today"]))
    report = to_report(chart)
    for field, expected in case["expect"]["report"].items():
        actual = getattr(report, field)
        assert (list(actual) if isinstance(actual, tuple) else actual) == expected, field


def test_ranges_match_the_recommendation_request():
    assert {k: RANGES[k] for k in chart_module.RANGES} == chart_module.RANGES
    assert RANGES["pregnancy_weeks"][1] == pregnancy.MAX_WEEKS


@pytest.mark.parametrize(
    "given_code, expected", [("M5431", "M54.31"), ("m54.31", "M54.31"), (" M54.4 ", "M54.4"), ("M54", "M54")]
)
def test_icd10cm_codes_are_normalised(given_code, expected):
    assert normalize(ICD, given_code) == expected


def test_oid_systems_are_accepted(codes):
    prefetch = {
        "conditions": bundle(condition("M54.31", system="urn:oid:2.16.840.1.113883.6.90", onsetDateTime="2026-11-01"))
    }
    assert read_chart(prefetch, None, codes, TODAY).symptom_days == 19


def test_header_codes_of_other_chapters_are_not_sciatica(codes):
    for code in ("M51.14", "M54.5", "M54.16", "G57.01"):
        assert not read_chart({"conditions": bundle(condition(code))}, None, codes, TODAY).sciatica, code


def test_refuted_and_entered_in_error_conditions_are_ignored(codes):
    status = lambda c: {"coding": [{"code": c}]}  # noqa: E731
    for verification in ("refuted", "entered-in-error"):
        prefetch = {"conditions": bundle(condition("M54.31", verificationStatus=status(verification)))}
        assert not read_chart(prefetch, None, codes, TODAY).sciatica


@pytest.mark.parametrize("code, weeks", [("Z3A.08", 9), ("Z3A.20", 21), ("Z3A.42", 42), ("Z3A.01", 8), ("Z3A.49", 42)])
def test_weeks_of_gestation_codes_give_weeks_today(codes, code, weeks):
    prefetch = {"conditions": bundle(condition(code, onsetDateTime="2026-11-13"))}
    chart = read_chart(prefetch, None, codes, TODAY)
    assert chart.pregnant and chart.pregnancy_weeks == weeks


def test_old_pregnancy_evidence_and_later_not_pregnant_do_not_count(codes):
    old = {"conditions": bundle(condition("Z33.1", onsetDateTime="2025-01-01"))}
    assert not read_chart(old, None, codes, TODAY).pregnant
    status = lambda code, when: {  # noqa: E731
        "resourceType": "Observation",
        "status": "final",
        "effectiveDateTime": when,
        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
    }
    later_not = {
        "conditions": None,
        "pregnancy": bundle(status("77386006", "2026-09-01"), status("60001007", "2026-11-01")),
    }
    assert not read_chart(later_not, None, codes, TODAY).pregnant
    pregnant = {"conditions": None, "pregnancy": bundle(status("77386006", "2026-11-01"))}
    chart = read_chart(pregnant, None, codes, TODAY)
    assert chart.pregnant and chart.pregnancy_weeks is None  # the engine then assumes the safer late pregnancy


def test_gestational_age_in_days_and_a_finished_pregnancy(codes):
    def ga(value, unit, when):
        return {
            "resourceType": "Observation",
            "status": "final",
            "effectiveDateTime": when,
            "code": {"coding": [{"system": "http://loinc.org", "code": "49051-6"}]},
            "valueQuantity": {"value": value, "code": unit},
        }

    assert read_chart({"pregnancy": bundle(ga(140, "d", "2026-11-20"))}, None, codes, TODAY).pregnancy_weeks == 20
    assert not read_chart({"pregnancy": bundle(ga(38, "wk", "2026-06-01"))}, None, codes, TODAY).pregnant


def test_steroids_count_as_long_term_only_after_28_days(codes):
    def pred(authored):
        return {
            "resourceType": "MedicationRequest",
            "status": "active",
            "authoredOn": authored,
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640"}]
            },
        }

    assert not read_chart({"medications": bundle(pred("2026-11-10"))}, None, codes, TODAY).medications
    assert [
        m.target for m in read_chart({"medications": bundle(pred("2026-09-01"))}, None, codes, TODAY).medications
    ] == ["long-term-corticosteroid"]


def test_contained_medication_and_stopped_requests(codes):
    contained = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "medicationReference": {"reference": "#med"},
        "contained": [{"resourceType": "Medication", "id": "med", "code": {"text": "Eliquis (apixaban) 5 mg"}}],
    }
    stopped = contained | {"status": "stopped"}
    assert [m.target for m in read_chart({"medications": bundle(contained)}, None, codes, TODAY).medications] == [
        "anticoagulant"
    ]
    assert not read_chart({"medications": bundle(stopped)}, None, codes, TODAY).medications


RX = "http://www.nlm.nih.gov/research/umls/rxnorm"


def rx(code, display=None, system=RX):
    return {"coding": [{"system": system, "code": code} | ({"display": display} if display else {})]}


def med(**how):
    return {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "authoredOn": "2026-01-01"} | how


def contained(medication, *others, ref="#m"):
    """A request whose medicationReference points to a contained Medication (id m)."""
    return med(
        medicationReference={"reference": ref},
        contained=[{"resourceType": "Medication", "id": "m"} | medication, *others],
    )


def ingredient(concept):
    return {"itemCodeableConcept": concept}


EXCIPIENT = {"itemCodeableConcept": {"text": "lactose"}, "isActive": False}  # not an active ingredient: not listed


BUNDLED = [
    {"resourceType": "Medication", "id": "eliquis", "code": rx("1364447")},
    {
        "resourceType": "Medication",
        "id": "capsule",
        "ingredient": [{"itemReference": {"reference": "Medication/gaba"}}],
    },
    {"resourceType": "Medication", "id": "gaba", "code": rx("25480")},
]
SUBSTANCE = {"resourceType": "Substance", "id": "s1", "code": rx("11289")}
FAMOTIDINE = "famotidine 26.6 MG / ibuprofen 800 MG Oral Tablet"


@pytest.mark.parametrize(
    "request_, targets, matched, unrecognised",
    [
        pytest.param(med(medicationCodeableConcept=rx("197806")), ["nsaid"], "code", [], id="SCD, no display"),
        pytest.param(med(medicationCodeableConcept=rx("213469")), ["nsaid"], "code", [], id="SBD"),
        pytest.param(med(medicationCodeableConcept=rx("1549682")), ["anticoagulant"], "code", [], id="GPCK"),
        pytest.param(med(medicationCodeableConcept=rx("1740008")), ["opioid"], "code", [], id="BPCK"),
        pytest.param(
            med(medicationCodeableConcept=rx("749856")), ["hormonal-contraceptive"], "code", [], id="pill pack"
        ),
        pytest.param(med(medicationCodeableConcept=rx("11289", "warfarin")), ["anticoagulant"], "code", [], id="IN"),
        pytest.param(
            med(medicationCodeableConcept=rx("855332", system="urn:oid:2.16.840.1.113883.6.88")),
            ["anticoagulant"],
            "code",
            [],
            id="RxNorm by OID",
        ),
        pytest.param(
            med(
                medicationCodeableConcept={
                    "coding": [*rx("0003-0894-21", system=NDC)["coding"], *rx("855332")["coding"]]
                }
            ),
            ["anticoagulant"],
            "code",
            [],
            id="any coding",
        ),
        pytest.param(med(medicationCodeableConcept=rx("858770")), ["opioid", "nsaid"], "code", [], id="combination"),
        pytest.param(med(medicationCodeableConcept=rx("1049640")), ["opioid"], "code", [], id="with paracetamol"),
        pytest.param(contained({"code": rx("855332")}), ["anticoagulant"], "code", [], id="contained Medication"),
        pytest.param(
            contained({"ingredient": [ingredient(rx("7258", "naproxen"))]}),
            ["nsaid"],
            "ingredient",
            [],
            id="contained Medication's ingredients",
        ),
        pytest.param(
            contained(
                {
                    "code": {"text": "Compounded capsule"},
                    "ingredient": [ingredient(rx("11289")), ingredient({"text": "vitamin K2"}), EXCIPIENT],
                }
            ),
            ["anticoagulant"],
            "ingredient",
            ["vitamin K2 (in Compounded capsule)"],
            id="an ingredient not recognised is said",
        ),
        pytest.param(
            contained({"ingredient": [{"itemReference": {"reference": "#s1"}}]}, SUBSTANCE),
            ["anticoagulant"],
            "ingredient",
            [],
            id="ingredient Substance",
        ),
        pytest.param(
            contained({"ingredient": [{"item": {"concept": rx("3322")}}]}),
            ["benzodiazepine"],
            "ingredient",
            [],
            id="R5 ingredient",
        ),
        pytest.param(
            med(medicationReference={"reference": "Medication/eliquis"}), ["anticoagulant"], "code", [], id="bundled"
        ),
        pytest.param(
            med(medicationReference={"reference": "https://ehr.example.org/fhir/Medication/capsule/_history/2"}),
            ["gabapentinoid"],
            "ingredient",
            [],
            id="bundled, ingredient bundled",
        ),
        pytest.param(
            med(
                medicationCodeableConcept={
                    "coding": [{"system": NDC, "code": "0003-0894-21", "display": "Eliquis 5 MG Oral Tablet"}]
                }
            ),
            ["anticoagulant"],
            "text",
            [],
            id="brand in an NDC display",
        ),
        pytest.param(
            med(medicationCodeableConcept=rx("99999999", "clopidogrel 75 MG Oral Tablet")),
            ["antiplatelet"],
            "text",
            [],
            id="unknown code, display names it",
        ),
        pytest.param(
            med(medicationReference={"reference": "Medication/absent", "display": "Warfarin 5mg"}),
            ["anticoagulant"],
            "text",
            [],
            id="reference display",
        ),
        pytest.param(
            med(medicationCodeableConcept={"text": FAMOTIDINE}),
            ["nsaid"],
            "text",
            [f"famotidine 26.6 MG (in {FAMOTIDINE})"],
            id="a part of a name not recognised is said",
        ),
        pytest.param(
            med(medicationCodeableConcept=rx("617312", "atorvastatin 20 MG Oral Tablet")),
            [],
            "",
            ["atorvastatin 20 MG Oral Tablet"],
            id="unknown code",
        ),
        pytest.param(
            med(medicationCodeableConcept=rx("617312")), [], "", ["RxNorm 617312"], id="unknown code, no display"
        ),
        pytest.param(
            med(medicationReference={"reference": "Medication/absent"}),
            [],
            "",
            ["MedicationRequest/m1"],
            id="no Medication",
        ),
        pytest.param(
            med(medicationCodeableConcept={"text": "prednisolone acetate 1% eye drops"}),
            [],
            "",
            ["prednisolone acetate 1% eye drops"],
            id="steroid eye drops",
        ),
    ],
)
def test_medicines_are_recognised_as_ehrs_code_them(codes, request_, targets, matched, unrecognised):
    chart = read_chart({"medications": bundle(request_, *BUNDLED)}, None, codes, TODAY)
    assert [m.target for m in chart.medications] == targets
    assert {m.matched for m in chart.medications} == ({matched} if targets else set())
    assert list(chart.unrecognised) == unrecognised


@pytest.mark.parametrize(
    "code, drug, label",
    [
        ("197806", "ibuprofen", "Ibuprofen 600 MG Oral Tablet"),  # no display: the listed one is shown
        ("858770", "ibuprofen", "hydrocodone bitartrate 2.5 MG / ibuprofen 200 MG Oral Tablet"),  # the NSAID first
        ("1049640", "oxycodone", "acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet [Percocet]"),
        ("617312", None, ""),
    ],
)
def test_an_order_is_checked_as_the_medicine_it_is_about(codes, code, drug, label):
    found, shown = drug_of(med(medicationCodeableConcept=rx(code)), codes)
    assert (found.name if found else None, shown) == (drug, label)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "resourceType",
                    "entry",
                    "resource",
                    "code",
                    "coding",
                    "system",
                    "code",
                    "onsetDateTime",
                    "birthDate",
                    "valueQuantity",
                    "value",
                    "medicationCodeableConcept",
                    "medicationReference",
                    "contained",
                    "ingredient",
                    "itemReference",
                    "itemCodeableConcept",
                    "display",
                    "text",
                    "clinicalStatus",
                    "subject",
                    "reference",
                    "id",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["patient", "conditions", "medications", "pregnancy"]), JSON))
def test_malformed_fhir_never_breaks_the_mapping(codes, prefetch):
    chart = read_chart(prefetch, "p1", codes, TODAY)
    to_report(chart)
    evaluate(chart, ehr_context())  # the engine accepts every mapped chart (contradictions read as not known)


INGREDIENT_KEYS = ["itemCodeableConcept", "itemReference", "item", "isActive"]
MEDICATION = st.fixed_dictionaries(
    {"resourceType": st.just("Medication"), "id": st.sampled_from(["m", "s1", "x"])},
    optional={"code": JSON, "ingredient": JSON | st.lists(st.dictionaries(st.sampled_from(INGREDIENT_KEYS), JSON))},
)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"resourceType": st.just("MedicationRequest"), "status": st.just("active")},
        optional={
            "medicationCodeableConcept": JSON,
            "medicationReference": JSON | st.fixed_dictionaries({"reference": st.sampled_from(["#m", "Medication/m"])}),
            "contained": JSON | st.lists(MEDICATION, max_size=3),
            "authoredOn": JSON,
        },
    ),
    st.lists(MEDICATION, max_size=3),
)
def test_malformed_medicines_never_break_recognition(codes, request_, bundled):
    chart = read_chart({"medications": bundle(request_, *bundled)}, None, codes, TODAY)
    assert recognise(request_, codes, bundled).drugs or chart.unrecognised  # recognised or said, never dropped
