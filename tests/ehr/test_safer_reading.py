"""Issue 11 on the EHR path: what the record cannot tell is read the safer way, and never as "nothing there".

Tables (one row per case) for pregnancy, breastfeeding, age and medicines as read from FHIR; a property that a chart
with a field removed never gives a less urgent level, more options or fewer factors to warn about, and that every
card stays valid CDS Hooks.
"""

import contextlib
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.ehr.chart import Chart, read_chart, to_report
from service.ehr.hooks import PrefetchMissing, answer, evaluate
from service.ehr.unread import unread_line
from service.engine.factors import derive_factors
from service.engine.models import Urgency
from tests.ehr.conftest import ehr_context as context
from tests.ehr.test_cds_cards import check_invariants

TODAY = date(2026, 11, 20)
ICD, LOINC, SNOMED = "http://hl7.org/fhir/sid/icd-10-cm", "http://loinc.org", "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PREGNANT, NOT_PREGNANT = "77386006", "60001007"


def ago(days):
    return None if days is None else (TODAY - timedelta(days=days)).isoformat()


def bundle(*resources):
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def condition(code, days=None):
    out = {"resourceType": "Condition", "code": {"coding": [{"system": ICD, "code": code}]}}
    return out | ({"onsetDateTime": ago(days)} if days is not None else {})


def observation(code, days=None, **value):
    out = {"resourceType": "Observation", "status": "final", "code": {"coding": [{"system": LOINC, "code": code}]}}
    return out | value | ({"effectiveDateTime": ago(days)} if days is not None else {})


def gestational_age(weeks, days=None):
    return observation("49051-6", days, valueQuantity={"value": weeks, "code": "wk"})


def status(value, days=None):
    return observation("82810-3", days, valueCodeableConcept={"coding": [{"system": SNOMED, "code": value}]})


def patient(gender=None, born="1990-01-01"):
    out = {"resourceType": "Patient", "id": "p1"}
    return out | ({"gender": gender} if gender else {}) | ({"birthDate": born} if born else {})


def prescription(text, code=None, days=60, state="active"):
    concept = {"text": text} | ({"coding": [{"system": RXNORM, "code": code}]} if code else {})
    return {
        "resourceType": "MedicationRequest",
        "status": state,
        "authoredOn": ago(days),
        "medicationCodeableConcept": concept,
    }


SCIATICA = condition("M54.31", 10)


# --- pregnancy: (prefetch, with or without its "pregnancy" key) -> (pregnant, weeks today) ----------------------------
PREGNANCY = {
    "undated-pregnancy-condition": ({"conditions": bundle(SCIATICA, condition("Z33.1"))}, (True, None)),
    "undated-weeks-code-condition": ({"conditions": bundle(SCIATICA, condition("Z3A.12"))}, (True, None)),
    "undated-gestational-age": ({"pregnancy": bundle(gestational_age(24))}, (True, None)),
    "undated-pregnant-status": ({"pregnancy": bundle(status(PREGNANT))}, (True, None)),
    "undated-not-pregnant-status-is-no-evidence": ({"pregnancy": bundle(status(NOT_PREGNANT))}, (False, None)),
    "undated-not-pregnant-does-not-cancel-dated-pregnant": (
        {"pregnancy": bundle(status(PREGNANT, 5), status(NOT_PREGNANT))},
        (True, None),
    ),
    "undated-condition-beats-dated-not-pregnant": (
        {"conditions": bundle(condition("Z33.1")), "pregnancy": bundle(status(NOT_PREGNANT, 3))},
        (True, None),
    ),
    "undated-condition-keeps-dated-weeks": (
        {"conditions": bundle(condition("Z33.1")), "pregnancy": bundle(gestational_age(20, 7))},
        (True, 21),
    ),
    "undated-weeks-code-gives-way-to-dated-weeks": (
        {"conditions": bundle(condition("Z3A.30")), "pregnancy": bundle(gestational_age(12, 7))},
        (True, 13),
    ),
    "undated-pregnancy-after-a-finished-one": (
        {"conditions": bundle(condition("Z33.1")), "pregnancy": bundle(gestational_age(38, 60))},
        (True, None),
    ),
    "entered-in-error-undated-is-ignored": (
        {"pregnancy": bundle(gestational_age(24) | {"status": "entered-in-error"})},
        (False, None),
    ),
    "dated-latest-wins": ({"pregnancy": bundle(status(PREGNANT, 60), status(NOT_PREGNANT, 5))}, (False, None)),
    "dated-weeks-brought-to-today": ({"conditions": bundle(condition("Z3A.20", 14))}, (True, 22)),
    "key-missing-female-unknown": ({"patient": patient("female")}, (None, None)),
    "key-missing-gender-not-recorded-unknown": ({"patient": patient()}, (None, None)),
    "key-missing-no-patient-unknown": ({}, (None, None)),
    "key-missing-other-gender-unknown": ({"patient": patient("other")}, (None, None)),
    "key-missing-male-not-pregnant": ({"patient": patient("male")}, (False, None)),
    "key-missing-male-evidence-still-counts": (
        {"patient": patient("male"), "conditions": bundle(condition("Z33.1", 3))},
        (True, None),
    ),
    "key-missing-old-evidence-unknown": (
        {"patient": patient("female"), "conditions": bundle(condition("Z33.1", 400))},
        (None, None),
    ),
    "key-sent-old-evidence-not-pregnant": (
        {"pregnancy": None, "conditions": bundle(condition("Z33.1", 400))},
        (False, None),
    ),
    "key-sent-null-female-not-pregnant": ({"patient": patient("female"), "pregnancy": None}, (False, None)),
}


@pytest.mark.parametrize("prefetch, expected", list(PREGNANCY.values()), ids=list(PREGNANCY))
def test_pregnancy_is_read_the_safer_way(codes, prefetch, expected):
    chart = read_chart(prefetch, None, codes, TODAY)
    assert (chart.pregnant, chart.pregnancy_weeks) == expected
    report = to_report(chart)
    assert (report.pregnant, report.pregnancy_weeks) == expected


@pytest.mark.parametrize(
    "given_patient, expected",
    [
        pytest.param(patient("male"), False, id="male-not-breastfeeding"),
        pytest.param(patient("female"), None, id="female-unknown"),
        pytest.param(patient("unknown"), None, id="gender-unknown"),
        pytest.param(patient(), None, id="gender-not-recorded"),
        pytest.param(None, None, id="no-patient"),
    ],
)
def test_breastfeeding_is_not_known_unless_male(codes, given_patient, expected):
    prefetch = {"patient": given_patient} if given_patient else {}
    assert to_report(read_chart(prefetch, None, codes, TODAY)).breastfeeding is expected


@pytest.mark.parametrize(
    "born, age, note",
    [
        pytest.param("1988-03-14", 38, "", id="date"),
        pytest.param("1988", 38, "", id="year-only"),
        pytest.param(None, None, "not recorded", id="missing"),
        pytest.param("14/03/1988", None, "not readable (birth date)", id="unreadable"),
        pytest.param("2027-01-01", None, "not readable (birth date)", id="in-the-future"),
        pytest.param("1890-01-01", None, "not readable (birth date)", id="over-120"),
    ],
)
def test_age_and_why_it_is_not_known(codes, born, age, note):
    chart = read_chart({"patient": patient("male", born)}, None, codes, TODAY)
    assert (chart.age, chart.age_note) == (age, note)
    assert to_report(chart).age == age


@pytest.mark.parametrize(
    "prefetch, factors, unrecognised",
    [
        pytest.param({}, None, (), id="key-missing-any-medicine"),
        pytest.param({"medications": None}, (), (), id="key-null-none"),
        pytest.param(
            {
                "medications": bundle(
                    prescription("Warfarin 5 mg", "11289"), prescription("Atorvastatin 20 mg", "83367")
                )
            },
            ("anticoagulant",),
            ("Atorvastatin 20 mg",),
            id="unknown-rxnorm-code-kept-by-name",
        ),
        pytest.param(
            {"medications": bundle(prescription("Herbal remedy"), prescription("Old statin", state="stopped"))},
            (),
            ("Herbal remedy",),
            id="text-only-kept-stopped-ignored",
        ),
        pytest.param(
            {"medications": bundle({"resourceType": "MedicationRequest", "id": "m9", "status": "active"})},
            (),
            ("MedicationRequest/m9",),
            id="no-medicine-named-kept-by-reference",
        ),
        pytest.param(
            {"medications": bundle(prescription("Sertraline 50 mg tablet"), prescription("Ibuprofen 400 mg", "5640"))},
            ("ssri-snri", "nsaid"),
            (),
            id="ssri-by-name-and-nsaid-by-code",
        ),
    ],
)
def test_medicines_unknown_unsent_or_unrecognised(codes, prefetch, factors, unrecognised):
    chart = read_chart(prefetch, None, codes, TODAY)
    assert to_report(chart).medications == factors
    assert chart.unrecognised == unrecognised


# --- what every card says about what was not read (the wording the hazard log quotes) --------------------------------
SCIATICA_FINDING = read_chart({"conditions": bundle(SCIATICA)}, None, context().codes, TODAY).sciatica
UNREAD = {
    "age-missing": ({}, ("age",), "age not recorded: read as possibly under 16 and over 65"),
    "age-unreadable": (
        {"age_note": "not readable (birth date)"},
        ("age",),
        "age not readable (birth date): read as possibly under 16 and over 65",
    ),
    "pregnancy": ({}, ("pregnant",), "pregnancy not recorded: read as possible"),
    "pregnancy-weeks": (
        {"pregnant": True},
        ("pregnancy_weeks",),
        "weeks of pregnancy not recorded: read as possibly 20 or more",
    ),
    "breastfeeding": ({}, ("breastfeeding",), "breastfeeding not recorded: read as possible"),
    "medicines-not-sent": ({}, ("medications",), "medicines not sent: read as any medicine"),
    "one-unrecognised": (
        {"unrecognised": ("Eliquis 5 mg",)},
        (),
        "1 medicine not recognised, not checked: Eliquis 5 mg",
    ),
    "two-unrecognised": ({"unrecognised": ("X", "Y")}, (), "2 medicines not recognised, not checked: X, Y"),
    "many-unrecognised": (
        {"unrecognised": tuple("ABCDEFGH")},
        (),
        "8 medicines not recognised, not checked: A, B, C, D, E, F, and 2 more",
    ),
    "onset": (
        {"sciatica": SCIATICA_FINDING},
        ("symptom_duration_days",),
        "sciatica onset not known: read as any stage",
    ),
    "pain": (
        {"sciatica": SCIATICA_FINDING},
        ("pain_severity",),
        "pain score not recorded: read as possibly severe (7+/10)",
    ),
    "undated-record": (
        {"notes": ("Foot drop (M21.37): no date, not counted as new",)},
        (),
        "Foot drop (M21.37): no date, not counted as new",
    ),
}


@pytest.mark.parametrize("chart, unanswered, line", list(UNREAD.values()), ids=list(UNREAD))
def test_cards_say_what_was_not_read(chart, unanswered, line):
    said = unread_line(context().texts, Chart(**chart), unanswered)
    assert said.splitlines() == ["**What the record did not tell, and how it was read:**", f"- {line}"]


def test_stage_and_pain_are_not_said_without_sciatica():
    assert unread_line(context().texts, Chart(), ("symptom_duration_days", "pain_severity", "red_flags_screened")) == ""


# --- the property: removing a field never reads the patient as safer -------------------------------------------------
AGES = [None, 5, 11, 14, 17, 30, 45, 59, 62, 70, 85]
CONDITIONS = ["N18.3", "Z85.3", "D84.9", "J44.9", "K25.0", "M21.372", "M81.0"]
MEDICINES = [
    ("11289", "warfarin"),
    ("5640", "ibuprofen"),
    ("10689", "tramadol"),
    ("3322", "diazepam"),
    ("25480", "gabapentin"),
    ("8640", "prednisone"),
    ("36437", "sertraline"),
    ("83367", "atorvastatin"),
]
# Pregnancy records (kind, how many days ago it describes, dated or not) of one pregnancy of `weeks` today (None: not
# pregnant), so that the records agree; weeks today stay a week or more from the 20 and 30-week rules.
EVIDENCE = st.tuples(
    st.sampled_from(["Z33.1", "Z3A", "gestational-age", "status"]), st.sampled_from([3, 40, 100, 400]), st.booleans()
)


def consistent(spec):
    """Records that agree with each other: pregnancy evidence only for a patient not recorded male, aged 10-60 or of
    unknown age (removing a record that contradicts the rest is not removing a field: the engine ignores a
    pregnancy it cannot place at that age or sex, and a recorded one makes the age not known)."""
    plausible = spec["gender"] != "male" and (spec["age"] is None or 10 <= spec["age"] <= 60)
    return spec if plausible else spec | {"weeks": None}


SPECS = st.fixed_dictionaries(
    {
        "age": st.sampled_from(AGES),
        "gender": st.sampled_from([None, "male", "female", "unknown"]),
        "onset": st.sampled_from([None, 5, 20, 60, 120]),
        "conditions": st.sets(st.sampled_from(CONDITIONS), max_size=3),
        "medicines": st.sets(st.sampled_from(MEDICINES), max_size=4),
        "medications_sent": st.booleans(),
        "pregnancy_sent": st.booleans(),
        "weeks": st.sampled_from([None, 8, 16, 25, 36]),
        "evidence": st.lists(EVIDENCE, max_size=3),
    }
).map(consistent)
DROPS = ["birthDate", "gender", "patient", "medications", "pregnancy", "evidence-date"]  # what `dropped` removes
ORDER = list(Urgency)


def records(spec):
    """The pregnancy Conditions and Observations of `spec` (a pregnancy, or a 'not pregnant' status, at each time)."""
    conditions, observations = [], []
    for kind, days, dated in spec["evidence"]:
        then = None if spec["weeks"] is None else spec["weeks"] - days / 7  # weeks at the time, when pregnant
        when = days if dated else None
        if kind == "status" or then is None or then < 0:
            observations.append(status(NOT_PREGNANT if then is None or then < 0 else PREGNANT, when))
        elif kind == "gestational-age":
            observations.append(gestational_age(int(then), when))
        else:
            code = f"Z3A.{int(then):02d}" if kind == "Z3A" and 8 <= then <= 42 else "Z33.1"
            conditions.append(condition(code, when))
    return conditions, observations


def prefetch_of(spec):
    pregnancy_conditions, observations = records(spec)
    out = {
        "patient": patient(spec["gender"], f"{TODAY.year - spec['age']}-01-01" if spec["age"] is not None else None),
        "conditions": bundle(
            condition("M54.31", spec["onset"]),
            *(condition(code, 5) for code in sorted(spec["conditions"])),
            *pregnancy_conditions,
        ),
    }
    if spec.get("patient") is False:
        del out["patient"]
    if spec["medications_sent"]:
        out["medications"] = bundle(*(prescription(name, code) for code, name in sorted(spec["medicines"])))
    if spec["pregnancy_sent"]:
        out["pregnancy"] = bundle(*observations)
    return out


def dropped(spec, what, index):
    if what == "birthDate":
        return spec | {"age": None}
    if what == "gender":
        return spec | {"gender": None}
    if what == "patient":
        return spec | {"patient": False}
    if what in ("medications", "pregnancy"):
        return spec | {f"{what}_sent": False}
    evidence = list(spec["evidence"])
    if evidence:
        kind, days, _ = evidence[index % len(evidence)]
        evidence[index % len(evidence)] = (kind, days, False)
    return spec | {"evidence": evidence}


def outcome(spec, ctx):
    chart, report, result = evaluate(read_chart(prefetch_of(spec), "p1", ctx.codes, TODAY), ctx)
    return result, derive_factors(report, ctx.kb)


def cards_of(spec, ctx):
    """Every card of patient-view and of order-sign for an NSAID, an aspirin and a tramadol draft order."""
    drafts = [
        prescription("Ibuprofen 400 mg", "5640", state="draft") | {"id": "d1"},
        prescription("Aspirin 300 mg", "1191", state="draft") | {"id": "d2"},
        prescription("Tramadol 50 mg", "10689", state="draft") | {"id": "d3"},
    ]
    body = {"context": {"patientId": "p1", "userId": "Practitioner/x"}, "prefetch": prefetch_of(spec)}
    cards = answer("sciatica-patient-view", body, ctx, TODAY)["cards"]
    body["context"]["draftOrders"] = bundle(*drafts)
    with contextlib.suppress(PrefetchMissing):  # no medications prefetch: the order checks answer 412
        cards += answer("sciatica-order-sign", body, ctx, TODAY)["cards"]
    return cards


@given(spec=SPECS, what=st.sampled_from(DROPS), index=st.integers(0, 2))
def test_a_removed_field_never_gives_fewer_warnings_or_more_options(spec, what, index):
    ctx = context()
    full, full_factors = outcome(spec, ctx)
    less, less_factors = outcome(dropped(spec, what, index), ctx)
    assert ORDER.index(less.triage.level) <= ORDER.index(full.triage.level), "at least as urgent"
    assert {r.treatment.id for r in less.recommendations} <= {r.treatment.id for r in full.recommendations}
    assert set(less_factors.active()) >= set(full_factors.active()), "every factor warned about is still there"


@given(spec=SPECS, what=st.sampled_from([None, *DROPS]), index=st.integers(0, 2))
def test_every_card_of_any_chart_keeps_the_spec_invariants(spec, what, index):
    for card in cards_of(dropped(spec, what, index) if what else spec, context()):
        check_invariants(card)


def test_the_property_removes_what_it_says():
    ctx = context()
    spec = {
        "age": 30,
        "gender": "female",
        "onset": 5,
        "conditions": set(),
        "medicines": {("11289", "warfarin")},
        "medications_sent": True,
        "pregnancy_sent": True,
        "weeks": 8,
        "evidence": [("gestational-age", 3, True)],
    }
    full = read_chart(prefetch_of(spec), "p1", ctx.codes, TODAY)
    assert (full.age, full.pregnant, full.pregnancy_weeks, full.breastfeeding) == (30, True, 7, None)
    for what, field, value in [
        ("birthDate", "age", None),
        ("medications", "medications", None),
        ("evidence-date", "pregnancy_weeks", None),
    ]:
        less = read_chart(prefetch_of(dropped(spec, what, 0)), "p1", ctx.codes, TODAY)
        assert getattr(less, field) == value and replace(full, **{field: value}) != full, what
