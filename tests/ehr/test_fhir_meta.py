"""FHIR resources per language: each states the language it is written in (Resource.language), English where
nothing in it is translated."""

import pytest

from service.ehr.fhir_meta import localized, stated

BASE = "https://sciatica-relief.example.org/fhir"


@pytest.fixture(scope="module")
def built(kb):
    return localized(kb, BASE)


@pytest.mark.parametrize(
    "lang, rtype, rid, language",
    [
        ("en", "PlanDefinition", "sciatica-recommendations", "en"),
        ("es", "PlanDefinition", "sciatica-recommendations", "es"),
        ("es", "ActivityDefinition", "staying-active", "es"),
        ("es", "Evidence", "nsaids", "es"),
        ("en", "Evidence", "nsaids", "en"),
        ("es", "Citation", "S1", "en"),  # a source's title, authors and note are not translated
        ("es", "Citation", "S5", "en"),
    ],
)
def test_each_resource_states_its_language(built, lang, rtype, rid, language):
    resource = built[lang][rtype][rid]
    assert resource["language"] == language
    assert list(resource)[:3] == ["resourceType", "id", "language"]
    assert (resource == built["en"][rtype][rid]) is (language == "en")


def test_every_resource_in_every_language_states_one(built, kb):
    assert set(built) == set(kb.languages)
    for lang, resources in built.items():
        for items in resources.values():
            assert all(r["language"] in (lang, "en") for r in items.values())


def test_stating_the_language_keeps_everything_else():
    resource = {"resourceType": "Evidence", "id": "x", "title": "t"}
    assert stated(resource, "es") == resource | {"language": "es"} and resource.get("language") is None
