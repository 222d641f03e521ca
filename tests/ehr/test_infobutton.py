"""The Infobutton's language: a languageCode picks the answer's language (English, said, when we lack it), and the
topic's patient pages are titled and linked in every content language."""

import pytest

from service.ehr.infobutton import LINKS, language, lookup, topic

LANGUAGES = ("en", "es")


@pytest.mark.parametrize(
    "asked, negotiated, expected",
    [
        ("es", "en", ("es", False)),
        ("es-MX", "en", ("es", False)),
        ("es-419", "en", ("es", False)),
        ("fr", "es", ("en", True)),  # a languageCode we lack: English, never the negotiated language
        ("en-US", "es", ("en", False)),
        (None, "es", ("es", None)),  # no languageCode: ?lang= or Accept-Language chose, the catalog says the rest
        (None, "en", ("en", None)),
    ],
)
def test_a_language_code_chooses_the_answer_language(asked, negotiated, expected):
    assert language(asked, negotiated, LANGUAGES) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_is_titled_and_linked_in_the_answer_language(kb, lang):
    assert set(kb.languages) == set(LANGUAGES)
    links = topic(kb, lang)["links"]
    assert [link["rel"] for link in links] == [rel for rel, _ in LINKS]
    assert all(link["href"].endswith(f"?lang={lang}") and link["title"].strip() for link in links)
    if lang != "en":  # translated, not the English again
        english = {link["rel"]: link["title"] for link in topic(kb, "en")["links"]}
        assert all(link["title"] != english[link["rel"]] for link in links)


ICD10CM, RXNORM = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88"


@pytest.mark.parametrize(
    "code, oid, lang, said",
    [
        ("I10", ICD10CM, "en", "We have no pages for people with ICD-10-CM I10. We only cover sciatica."),
        ("I10", ICD10CM, "es", "No tenemos páginas para personas con ICD-10-CM I10. Solo tratamos la ciática."),
        ("5640", RXNORM, "en", f"Code system {RXNORM} is not supported here"),
        ("5640", RXNORM, "es", f"El sistema de códigos {RXNORM} no se acepta aquí"),
        ("M54.31", ICD10CM, "es", ""),
    ],
)
def test_why_there_is_no_entry_is_said_in_the_answer_language(kb, codes, code, oid, lang, said):
    matched, why = lookup(kb, codes, code, oid, lang)
    assert why.startswith(said) and (matched is None) == bool(said)


def test_every_link_has_its_title_phrase(kb):
    assert all(f"infobutton-{rel}" in kb.index["phrases"] for rel, _ in LINKS)
