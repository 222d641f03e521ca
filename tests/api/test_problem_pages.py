"""Every problem `type` the service sends, or its document names, resolves to a page: HTML for a browser, JSON for a
client, saying what the problem means and what to do."""

import json
import re

import pytest

from service.web.problem_types import TYPES
from tests.api.test_openapi import COMMITTED
from tests.ehr.conftest import FIXTURES

NGINX = COMMITTED.parents[1] / "deploy" / "nginx.conf"

KEY = "problem-pages-key"
# (what is wrong, app configuration, method, path, request keywords) -> the status it answers
ERRORS = [
    ("broken JSON", {}, "POST", "/v1/recommendations", {"data": "{not json", "content_type": "application/json"}, 400),
    ("no key", {"API_KEYS": KEY}, "GET", "/v1/tips", {}, 401),
    ("wrong key", {"API_KEYS": KEY}, "GET", "/v1/tips", {"headers": {"X-API-Key": "nope"}}, 403),
    ("no such path", {}, "GET", "/v1/nothing-here", {}, 404),
    ("no such treatment", {}, "GET", "/v1/treatments/nothing", {}, 404),
    ("wrong method", {}, "DELETE", "/v1/tips", {}, 405),
    ("missing prefetch", {}, "POST", "/cds-services/sciatica-order-select", {"json": "missing-medications"}, 412),
    ("body too large", {}, "POST", "/v1/recommendations", {"json": {"conditions": ["a" * 60] * 300}}, 413),
    ("not JSON", {}, "POST", "/v1/recommendations", {"data": "age=3", "content_type": "text/plain"}, 415),
    ("bad field", {}, "POST", "/v1/recommendations", {"json": {"age": "old"}}, 422),
    ("unknown query parameter", {}, "GET", "/v1/tips", {"query_string": {"x": "1"}}, 422),
    ("rate limited", {"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "1 per hour"}, "GET", "/v1/tips", {}, 429),
]


def fetched(client, config, method, path, kwargs):
    if kwargs.get("json") == "missing-medications":
        case = json.loads((FIXTURES / "os-nsaid-missing-medications.json").read_text())
        kwargs = {"json": case["request"]}
    if config.get("RATE_LIMIT_ENABLED"):
        client.open(path, method=method, **kwargs)  # the one allowed
    return client.open(path, method=method, **kwargs)


@pytest.mark.parametrize("what, config, method, path, kwargs, status", ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_names_a_type_whose_page_resolves(make_client, what, config, method, path, kwargs, status):
    client = make_client(**config)
    error = fetched(client, config, method, path, kwargs)
    assert (error.status_code, error.mimetype) == (status, "application/problem+json")
    kind = error.get_json()["type"]
    page = client.get(kind, headers={"Accept": "application/json"})
    assert page.status_code == 200 and page.get_json()["type"] == kind
    assert page.get_json()["status"] == status
    html = client.get(kind, headers={"Accept": "text/html,*/*"})
    assert html.status_code == 200 and html.mimetype == "text/html" and f"HTTP status: {status}" in html.text


def type_uris_in_the_document():
    text = COMMITTED.read_text()
    named = set(re.findall(r'"(/problems/[a-z-]+)"', text + NGINX.read_text()))  # and the proxy's own errors
    enum = json.loads(text)["paths"]["/problems/{problem_type}"]["get"]["parameters"]
    return named | {f"/problems/{slug}" for p in enum for slug in p["schema"].get("enum", [])}


@pytest.mark.parametrize("uri", sorted(type_uris_in_the_document() | {t.uri for t in TYPES}))
@pytest.mark.parametrize("accept, mimetype", [("text/html", "text/html"), ("application/json", "application/json")])
def test_every_type_uri_resolves(client, uri, accept, mimetype):
    page = client.get(uri, headers={"Accept": accept})
    assert page.status_code == 200 and page.mimetype == mimetype
    assert (
        page.headers["ETag"]
        and client.get(uri, headers={"Accept": accept, "If-None-Match": page.headers["ETag"]}).status_code == 304
    )
    text = page.text.lower()
    assert "what to do" in text or "what_to_do" in text


def test_an_unknown_type_is_404(client):
    assert client.get("/problems/no-such-problem").status_code == 404


@pytest.mark.parametrize("problem_type", TYPES, ids=lambda t: t.slug)
def test_pages_are_short(problem_type):
    assert len(problem_type.meaning.split()) <= 40 and len(problem_type.todo.split()) <= 30
