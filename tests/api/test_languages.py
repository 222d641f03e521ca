"""Answers in the language asked for: `?lang=` and Accept-Language, with Content-Language, Vary, Language-Fallback
and each item's translation status; English-only answers say so; a Spanish answer holds no English patient text."""

from __future__ import annotations

import html
import re

import orjson
import pytest

from service.engine.models import TechnicalText
from service.knowledge.texts import patient_texts
from tests.knowledge.test_translations import SAME, texts

SPANISH = [{"query_string": {"lang": "es"}}, {"headers": {"Accept-Language": "es-MX,es;q=0.9"}}]
ASKED = ["?lang=es", "Accept-Language: es-MX,es;q=0.9"]
# Every content GET whose answer is written in a language (and so takes `lang`).
TRANSLATED = [
    "/v1/treatments",
    "/v1/treatments?view=full",
    "/v1/treatments?category=medication",
    "/v1/treatments/nsaids",
    "/v1/treatments/stretching-exercises",
    "/v1/tips",
    "/v1/red-flags",
    "/v1/factors",
    "/v1/factors?kind=condition",
    "/v1/questionnaire",
    "/v1/condition",
    "/v1/evidence-levels",
    "/v1/disclaimers",
    "/v1/bundle",
    "/v1/illustrations/cat-cow.svg",
    "/handouts/condition",
    "/handouts/nsaids",
]
ENGLISH_ONLY = ["/v1/sources", "/v1/sources/S1", "/v1/meta", "/v1/releases", "/v1/safety/hazards"]
REPORT = {"age": 40, "symptom_duration_days": 10, "pain_severity": 5, "red_flags_screened": True}


def get(client, path, how=None, **headers):
    """GET `path` (its own query kept) asked as `how` says, with extra headers."""
    how = how or {}
    base, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&") if p) | how.get("query_string", {})
    return client.get(base, query_string=params, headers=how.get("headers", {}) | headers)


def english_sentences(kb) -> set[str]:
    """The English of every patient text of 4+ words (names excepted), as a Spanish answer must not hold it."""
    return {t.text["en"] for t in patient_texts(kb) if len(t.text["en"].split()) >= 4 and t.text["en"] not in SAME}


def strings(body: bytes, mimetype: str) -> str:
    if mimetype != "application/json":  # a page or a picture: its words
        return html.unescape(re.sub(r"<[^>]+>", " ", body.decode()))
    found: list[str] = []

    def walk(v):
        if isinstance(v, str):
            found.append(v)
        elif isinstance(v, dict):
            [walk(x) for x in v.values()]
        elif isinstance(v, list):
            [walk(x) for x in v]

    walk(orjson.loads(body))
    return "\n".join(found)


@pytest.mark.parametrize("how", SPANISH, ids=ASKED)
@pytest.mark.parametrize("path", TRANSLATED)
def test_every_content_answer_is_in_spanish_when_asked(client, kb, path, how):
    english, spanish = get(client, path), get(client, path, how)
    assert spanish.status_code == 200 and spanish.headers["Content-Language"] == "es"
    assert "Accept-Language" in spanish.headers["Vary"] and spanish.headers["Language-Fallback"] == "false"
    assert english.headers["Content-Language"] == "en" and english.data != spanish.data
    assert english.headers["ETag"] != spanish.headers["ETag"]
    text = strings(spanish.data, spanish.mimetype)
    left = sorted(s for s in english_sentences(kb) if s in text)
    assert not left, left[:3]


@pytest.mark.parametrize(
    "path", [p for p in TRANSLATED if p.startswith("/v1/") and "/bundle" not in p and ".svg" not in p]
)
def test_each_item_says_how_it_was_translated(client, path):
    english, spanish = get(client, path).json, get(client, path, SPANISH[0]).json
    items = spanish if isinstance(spanish, list) else [spanish]
    assert all(
        i["translation"]["language"] == "es" and i["translation"]["status"] in ("draft", "reviewed") for i in items
    )
    assert all(i["translation"] is None for i in (english if isinstance(english, list) else [english]))


@pytest.mark.parametrize("path", TRANSLATED)
def test_an_etag_holds_for_its_own_language_only(client, path):
    spanish = get(client, path, SPANISH[0])
    assert get(client, path, SPANISH[0], **{"If-None-Match": spanish.headers["ETag"]}).status_code == 304
    assert get(client, path, None, **{"If-None-Match": spanish.headers["ETag"]}).status_code == 200


# (Accept-Language, ?lang, the language served, Language-Fallback)
NEGOTIATION = [
    (None, None, "en", "false"),
    ("es", None, "es", "false"),
    ("es-MX,es;q=0.9", None, "es", "false"),
    ("es-419", None, "es", "false"),
    ("en-GB,es;q=0.5", None, "en", "false"),
    ("fr", None, "en", "true"),
    ("fr,es;q=0.5", None, "es", "true"),
    ("*", None, "en", "false"),
    ("es", "en", "en", "false"),
    ("fr", "es", "es", "false"),
]


@pytest.mark.parametrize(("accept", "lang", "served", "fallback"), NEGOTIATION)
def test_the_language_is_negotiated(client, accept, lang, served, fallback):
    r = client.get(
        "/v1/tips", query_string={"lang": lang} if lang else {}, headers={"Accept-Language": accept} if accept else {}
    )
    assert (r.status_code, r.headers["Content-Language"], r.headers["Language-Fallback"]) == (200, served, fallback)


@pytest.mark.parametrize("path", ["/v1/tips", "/v1/treatments?view=full", "/handouts/condition"])
@pytest.mark.parametrize("lang", ["fr", "ES", "es-MX", ""])
def test_a_language_not_served_by_lang_is_a_problem_naming_lang(client, path, lang):
    r = get(client, path, {"query_string": {"lang": lang}})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.json["errors"]] == ["lang"]


@pytest.mark.parametrize("path", ENGLISH_ONLY)
def test_english_only_answers_say_english_and_take_no_lang(client, path):
    r = get(client, path, SPANISH[1])
    assert r.headers["Content-Language"] == "en" and "Accept-Language" not in r.headers.get("Vary", "")
    assert r.headers["Language-Fallback"] == "true"
    assert get(client, path, SPANISH[0]).status_code == 422


@pytest.mark.parametrize("how", SPANISH, ids=ASKED)
def test_a_recommendation_is_in_spanish_when_asked(client, kb, how):
    english = client.post("/v1/recommendations", json=REPORT)
    spanish = client.post("/v1/recommendations", json=REPORT, **how)
    assert spanish.status_code == 200 and spanish.headers["Content-Language"] == "es"
    assert spanish.headers["Cache-Control"] == "no-store" and spanish.headers["Language-Fallback"] == "false"
    assert [r["treatment_id"] for r in spanish.json["recommendations"]] == [
        r["treatment_id"] for r in english.json["recommendations"]
    ]
    text = strings(spanish.data, "application/json")
    assert not sorted(s for s in english_sentences(kb) if s in text)[:3]


def test_clinician_wording_stays_english_in_a_spanish_answer(client, kb):
    nsaids = get(client, "/v1/treatments/nsaids", SPANISH[0]).json
    clinician = next(t for p, t in texts(kb.index["treatments"]["nsaids"]) if isinstance(t, TechnicalText))
    assert clinician["en"] in strings(orjson.dumps(nsaids), "application/json")
