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
from service.schemas.base import RANGES
from tests.ehr.conftest import cases, ehr_context

TODAY = date(2026, 11, 20)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


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
