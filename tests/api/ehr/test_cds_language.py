"""CDS Hooks cards and the patient's language: the cards stay in clinicians' English whatever the EHR asks, and their
patient handout links follow the prefetched Patient's preferred language, or say why they cannot."""

import copy

import pytest

from service.ehr.language import BCP47
from tests.ehr.conftest import CASES

SPANISH_LABEL, ENGLISH_LABEL = "Patient handout (Spanish): ", "Patient handout: "
NOT_SERVED = "preferred language fr: no handouts in it, the handout links are in English"


def speaking(name, communication):
    """Fixture case `name` with the prefetched Patient's communication set (None: the key left out)."""
    case = copy.deepcopy(CASES[name])
    patient = case["request"]["prefetch"]["patient"]
    patient.pop("communication", None)
    if communication is not None:
        patient["communication"] = communication
    return case


def language(code, preferred=None):
    entry = {"language": {"coding": [{"system": BCP47, "code": code}]}}
    return entry | ({} if preferred is None else {"preferred": preferred})


@pytest.mark.parametrize("name", ["pv-acute-sciatica", "osign-naproxen-apixaban"])
@pytest.mark.parametrize(
    "communication, lang, label, note",
    [
        pytest.param([language("es")], "es", SPANISH_LABEL, None, id="es"),
        pytest.param([language("en"), language("es-MX", True)], "es", SPANISH_LABEL, None, id="es-MX-preferred"),
        pytest.param([language("fr")], "en", ENGLISH_LABEL, NOT_SERVED, id="fr"),
        pytest.param([{"language": {"text": "Spanish"}}], "en", ENGLISH_LABEL, 'recorded as "Spanish"', id="text"),
        pytest.param(None, "en", ENGLISH_LABEL, None, id="none"),
    ],
)
@pytest.mark.parametrize("accept", [None, "es-MX,es;q=0.9"])
def test_handout_links_follow_the_patient_and_cards_stay_english(call, name, communication, lang, label, note, accept):
    headers = {"Accept-Language": accept} if accept else {}
    response = call(speaking(name, communication), headers=headers)
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    cards = response.get_json()["cards"]
    assert cards and all(card["links"] for card in cards)
    for card in cards:
        assert "**From the record:**" in card["detail"]  # the clinician's wording, in English
        for link in card["links"]:
            assert link["url"].endswith(f"?lang={lang}") and link["label"].startswith(label)
        said = "the handout links are in English" in card["detail"]
        assert (note in card["detail"]) if note else not said


def test_without_the_patient_prefetch_the_links_are_english_and_the_gap_is_said(call):
    case = copy.deepcopy(CASES["pv-acute-sciatica"])
    del case["request"]["prefetch"]["patient"]
    [card] = call(case).get_json()["cards"]
    assert all(link["url"].endswith("?lang=en") for link in card["links"])
    assert "did not prefetch it: patient" in card["detail"]
