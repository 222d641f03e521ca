"""`medications` items: class ids as before, or medicine names, brands and RxNorm codes read as their classes through
the map the Engine is given; an unknown item is a problem naming it, never dropped."""

import dataclasses
from types import MappingProxyType

import pytest

from service.engine import Engine, check_report
from service.engine.medicines import medicine_classes
from service.engine.models import Report
from tests.engine.reports import KB

# What service.ehr.lookup builds from the code map, in small: medicine_key -> class ids.
MEDICINES = {
    "warfarin": ("anticoagulant",),
    "11289": ("anticoagulant",),
    "coumadin": ("anticoagulant",),
    "tylenol with codeine": ("opioid",),
    "paracetamol": (),
    "yaz": ("hormonal-contraceptive",),
}
COMPLETE = Report(
    age=58,
    symptom_duration_days=12,
    pain_severity=6,
    red_flags_screened=True,
    pregnant=False,
    breastfeeding=False,
    conditions=(),
    medications=(),
)


@pytest.mark.parametrize(
    "medications, classes",
    [
        pytest.param(("anticoagulant",), ("anticoagulant",), id="class-id"),
        pytest.param(("warfarin",), ("anticoagulant",), id="name"),
        pytest.param(("WarFarin",), ("anticoagulant",), id="mixed-case"),
        pytest.param(("11289",), ("anticoagulant",), id="rxnorm"),
        pytest.param(("Coumadin", "warfarin", "anticoagulant"), ("anticoagulant",), id="same-class-once"),
        pytest.param(("Tylenol with Codeine", "nsaid"), ("opioid", "nsaid"), id="brand-and-class"),
        pytest.param(("paracetamol",), (), id="known-no-class"),
        pytest.param((), (), id="none"),
    ],
)
def test_items_are_read_as_their_classes(medications, classes):
    report = dataclasses.replace(COMPLETE, medications=medications)
    assert check_report(report, KB, MEDICINES) == []
    assert medicine_classes(report, KB, MEDICINES).medications == classes


def test_unanswered_stays_unanswered():
    assert medicine_classes(COMPLETE, KB, MEDICINES).medications == ()
    unanswered = dataclasses.replace(COMPLETE, medications=None)
    assert medicine_classes(unanswered, KB, MEDICINES).medications is None


@pytest.mark.parametrize(
    "medications, medicines, fields",
    [
        pytest.param(("warfarin", "anticoagulant", "999999"), MEDICINES, ["medications.2"], id="unknown-code"),
        pytest.param(("war farin",), MEDICINES, ["medications.0"], id="unknown-name"),
        pytest.param(("kidney-disease",), MEDICINES, ["medications.0"], id="a-condition"),
        pytest.param(("Anticoagulant",), MEDICINES, ["medications.0"], id="class-ids-are-exact"),
        pytest.param(("nsaid", "warfarin", "x1", "yaz"), {}, ["medications.1", "medications.2", "medications.3"],
                     id="no-map-only-class-ids"),
    ],
)  # fmt: skip
def test_an_unknown_item_is_a_problem_naming_it(medications, medicines, fields):
    problems = check_report(dataclasses.replace(COMPLETE, medications=medications), KB, medicines)
    assert [field for field, _ in problems] == fields
    assert all("GET /v1/medicines" in message for _, message in problems)


def test_a_medicine_is_checked_against_age_as_its_class_is():
    factors = dict(KB.index["factors"])
    factors["hormonal-contraceptive"] = dataclasses.replace(
        factors["hormonal-contraceptive"], plausible_min_age=10, plausible_max_age=60
    )
    kb = dataclasses.replace(KB, index=MappingProxyType({**KB.index, "factors": factors}))
    child = dataclasses.replace(COMPLETE, age=5)
    for item in ("hormonal-contraceptive", "Yaz"):
        fields = [f for f, _ in check_report(dataclasses.replace(child, medications=(item,)), kb, MEDICINES)]
        assert fields == ["medications.0", "age"], item


def test_a_medicine_by_class_code_name_or_brand_gives_the_same_answer():
    engine = Engine(KB, MEDICINES)
    answers = [
        engine.recommend(dataclasses.replace(COMPLETE, medications=items))
        for items in (("anticoagulant",), ("11289",), ("warfarin",), ("COUMADIN",))
    ]
    assert all(a == answers[0] for a in answers)
    assert "nsaids" in {e.treatment.id for e in answers[0].excluded}
    assert answers[0] != engine.recommend(dataclasses.replace(COMPLETE, medications=("paracetamol",)))
