"""GET /v1/infobutton with MedlinePlus Connect's parameters: sciatica codes get our content, others a clear nothing."""

import pytest

ICD10CM, SNOMED, RXNORM = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.88"


def lookup(client, code, system, **extra):
    params = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system} | extra
    return client.get("/v1/infobutton", query_string=params)


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
        ("I10", ICD10CM, "sciatica only"),
        ("M54.5", ICD10CM, "sciatica only"),
        ("38341003", SNOMED, "sciatica only"),
        ("5640", RXNORM, "not supported"),
    ],
)
def test_other_codes_get_a_clear_empty_answer(client, code, system, why):
    body = lookup(client, code, system).get_json()
    assert body["total"] == 0 and body["entries"] == [] and why in body["message"]


def test_language_falls_back_to_english_and_is_echoed(client):
    response = lookup(client, "M54.31", ICD10CM, **{"informationRecipient.languageCode.c": "es"})
    assert response.get_json()["query"]["language"] == "en" and response.headers["Content-Language"] == "en"


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
