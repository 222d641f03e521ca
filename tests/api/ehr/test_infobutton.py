"""GET /v1/infobutton with MedlinePlus Connect's parameters: sciatica codes get our content, others a clear nothing."""

import pytest

ICD10CM, SNOMED, RXNORM = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.88"


def lookup(client, code, system, headers=None, **extra):
    params = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system} | extra
    return client.get("/v1/infobutton", query_string=params, headers=headers or {})


@pytest.mark.parametrize(
    "code, system", [("M54.31", ICD10CM), ("M5442", ICD10CM), ("M51.16", ICD10CM), ("23056005", SNOMED)]
)
def test_sciatica_codes_get_the_patient_content(client, kb, code, system):
    response = lookup(
        client, code, system, **{"mainSearchCriteria.v.dn": "Sciatica", "knowledgeResponseType": "application/json"}
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == 1 and body["message"] is None
    [entry] = body["entries"]
    assert entry["title"] == "Sciatica" and entry["summary"] == kb.condition.summary.get_text("en")
    assert len(entry["tips"]) == len(kb.tips) and {"condition", "tips", "red-flags"} <= {
        link["rel"] for link in entry["links"]
    }
    assert entry["matched_code"]["code"] in {c.code for c in kb.condition.codes}
    assert body["query"]["display_name"] == "Sciatica" and body["disclaimer"]
    assert response.headers["ETag"] and "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "code, system, why",
    [
        ("I10", ICD10CM, "only cover sciatica"),
        ("M54.5", ICD10CM, "only cover sciatica"),
        ("38341003", SNOMED, "only cover sciatica"),
        ("5640", RXNORM, "not supported"),
    ],
)
def test_other_codes_get_a_clear_empty_answer(client, code, system, why):
    body = lookup(client, code, system).get_json()
    assert body["total"] == 0 and body["entries"] == [] and why in body["message"]


RECIPIENT, PERFORMER = "informationRecipient.languageCode.c", "performer.languageCode.c"


@pytest.mark.parametrize(
    "params, accept, lang, fallback",
    [
        ({RECIPIENT: "es"}, None, "es", "false"),
        ({RECIPIENT: "es-MX"}, None, "es", "false"),
        ({RECIPIENT: "ES"}, None, "es", "false"),
        ({RECIPIENT: "es-419"}, None, "es", "false"),
        ({RECIPIENT: "fr"}, None, "en", "true"),
        ({RECIPIENT: "fr"}, "es", "en", "true"),  # the languageCode wins over Accept-Language
        ({RECIPIENT: "en"}, "es-MX,es;q=0.9", "en", "false"),
        ({RECIPIENT: "es", "lang": "en"}, None, "es", "false"),  # ... and over lang
        ({PERFORMER: "es"}, None, "es", "false"),
        ({PERFORMER: "es", RECIPIENT: "en"}, None, "en", "false"),  # the reader's language first
        ({PERFORMER: "fr", RECIPIENT: "es"}, None, "es", "false"),
        ({PERFORMER: "es-MX", "lang": "en"}, "en", "es", "false"),
        ({"lang": "es"}, None, "es", "false"),
        ({"lang": "en"}, "es", "en", "false"),  # lang wins over Accept-Language
        ({}, "es-MX,es;q=0.9", "es", "false"),
        ({}, "fr", "en", "true"),
        ({}, None, "en", "false"),
    ],
)
def test_the_language_asked_for_is_answered_or_english_is_said(client, kb, params, accept, lang, fallback):
    response = lookup(client, "M54.31", ICD10CM, **params, headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang and response.headers["Language-Fallback"] == fallback
    assert "Accept-Language" in response.headers["Vary"]
    body = response.get_json()
    assert body["query"]["language"] == lang
    assert body["query"]["requested_language"] == params.get(RECIPIENT, params.get(PERFORMER))
    [entry] = body["entries"]
    assert entry["title"] == kb.condition.name.get_text(lang) and entry["summary"] == kb.condition.summary.get_text(
        lang
    )
    assert [t["title"] for t in entry["tips"]] == [t.title.get_text(lang) for t in kb.tips]
    assert entry["links"][0]["rel"] == "handout" and entry["links"][0]["href"] == f"/handouts/condition?lang={lang}"
    assert all(link["href"].endswith(f"?lang={lang}") for link in entry["links"])
    always = [d.text.get_text(lang) for d in kb.disclaimers if d.trigger.value == "always"]
    assert body["disclaimer"] == " ".join(always)


def test_the_links_land_on_pages_in_the_answer_language(client):
    [entry] = lookup(client, "M54.31", ICD10CM, **{RECIPIENT: "es-MX"}).get_json()["entries"]
    for link in entry["links"]:
        page = client.get(link["href"])
        assert page.status_code == 200 and page.headers["Content-Language"] == "es", link["href"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lang": "fr"}, "lang"),  # our own parameter names only the languages we have
        ({RECIPIENT: "es", "lang": "fr"}, "lang"),
        ({RECIPIENT: "e"}, RECIPIENT),
        ({RECIPIENT: "es_MX"}, RECIPIENT),
        ({PERFORMER: "español"}, PERFORMER),
    ],
)
def test_a_malformed_language_is_422_naming_the_parameter(client, params, field):
    response = lookup(client, "M54.31", ICD10CM, **params)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


@pytest.mark.parametrize(
    "params",
    [
        {"mainSearchCriteria.v.c": "M54.31"},
        {"mainSearchCriteria.v.c": "M54.31", "mainSearchCriteria.v.cs": ICD10CM, "knowledgeResponseType": "text/xml"},
        {"mainSearchCriteria.v.c": "M54.31", "mainSearchCriteria.v.cs": "ICD10"},
        {"mainSearchCriteria.v.c": "M54.31", "mainSearchCriteria.v.cs": ICD10CM, "callback": "f"},
    ],
)
def test_missing_unknown_or_unsupported_parameters_are_422(client, params):
    response = client.get("/v1/infobutton", query_string=params)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
