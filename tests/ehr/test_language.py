"""The patient's language in the EHR integrations: which content language a BCP 47 tag gets, what a Patient records
as preferred, and the handout links and notes a card carries for it."""

import pytest

from service.ehr.cards import handout_language, language_note, links
from service.ehr.chart import Chart
from service.ehr.codes import Finding
from service.ehr.language import BCP47, Preferred, preferred, served
from tests.ehr.conftest import ehr_context

LANGUAGES = ("en", "es")


@pytest.mark.parametrize(
    "tag, language",
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("ES-mx", "es"),
        ("es-419", "es"),
        ("en-US", "en"),
        ("en", "en"),
        ("fr", None),
        ("fr-CA", None),
        ("spa", None),
        ("es_MX", None),  # not BCP 47 (an underscore, as some locales write it)
        ("", None),
        ("es-", None),
    ],
)
def test_a_tag_is_served_by_its_primary_language(tag, language):
    assert served(tag, LANGUAGES) == language


def spoken(code=None, system=BCP47, preferred=None, text=None, display=None):
    language = {"coding": [{"system": system, "code": code} | ({"display": display} if display else {})]}
    language = (language if code else {}) | ({"text": text} if text else {})
    return {"language": language} | ({} if preferred is None else {"preferred": preferred})


@pytest.mark.parametrize(
    "communication, expected",
    [
        (None, None),
        ([], None),
        ([spoken("es")], Preferred("es")),
        ([spoken("es-MX", display="Spanish (Mexico)")], Preferred("es-MX")),
        ([spoken("en"), spoken("es", preferred=True)], Preferred("es")),  # the preferred one, not the first
        ([spoken("fr"), spoken("es")], Preferred("fr")),  # none preferred: the first
        ([spoken("fr", preferred=False), spoken("es", preferred="true")], Preferred("fr")),  # "true" is not true
        ([spoken("spa", system="urn:iso:std:iso:639-2", display="Spanish")], Preferred(None, "Spanish")),
        ([spoken(text="Spanish")], Preferred(None, "Spanish")),
        ([spoken("es_MX")], Preferred(None, "es_MX")),
        ([{"language": "es"}], Preferred(None, "not coded")),
        ("es", None),  # malformed: not a list
        ([None, 3, {"preferred": True}], None),  # entries without a language are no language
    ],
)
def test_the_preferred_language_as_the_patient_records_it(communication, expected):
    patient = {"resourceType": "Patient"} | ({} if communication is None else {"communication": communication})
    assert preferred(patient) == expected


SCIATICA = (Finding("sciatica", "Sciatica", "M54.31", "Condition/c1"),)


@pytest.mark.parametrize(
    "language, lang, label, note",
    [
        (Preferred("es"), "es", "Patient handout (Spanish): ", None),
        (Preferred("es-MX"), "es", "Patient handout (Spanish): ", None),
        (Preferred("fr"), "en", "Patient handout: ", "preferred language fr: no handouts in it"),
        (Preferred("en-GB"), "en", "Patient handout: ", None),
        (Preferred(None, "Spanish"), "en", "Patient handout: ", 'recorded as "Spanish", not as a BCP 47 code'),
        (None, "en", "Patient handout: ", None),
    ],
)
def test_handout_links_follow_the_patient_language_or_say_why_not(language, lang, label, note):
    ctx = ehr_context()
    chart = Chart(sciatica=SCIATICA, language=language)
    nsaids = ctx.kb.index["treatments"]["nsaids"]
    assert handout_language(ctx, chart) == lang
    made = links(ctx, chart, nsaids)
    assert [link["url"] for link in made] == [
        f"https://cds.example.org/handouts/condition?lang={lang}",
        f"https://cds.example.org/handouts/nsaids?lang={lang}",
    ]
    assert [link["label"] for link in made] == [f"{label}sciatica", f"{label}{nsaids.name.get_text('en')}"]
    notes = language_note(ctx, chart)
    if note is None:
        assert notes == ()
    else:
        [said] = notes
        assert note in said and "the handout links are in English" in said
