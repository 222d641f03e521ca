"""What a client's body may do: chunked bodies are read at the WSGI edge up to the route's limit (413 past it, every
byte counted; 400 when malformed); CDS feedback names its card by uuid, and nothing else of it is logged.

(The feedback tests belong with tests/api/ehr/test_cds_http.py; they are here while another change owns that file.)
"""

import copy
import io
import json
import logging

import pytest
from gunicorn.http.errors import ChunkMissingTerminator, InvalidChunkSize, NoMoreData  # type: ignore[import-untyped]

from service.config import Config
from tests.api.ehr.test_cds_http import FEEDBACK

V1 = "/v1/recommendations"
FEEDBACK_PATH = "/cds-services/sciatica-patient-view/feedback"
SMALL = b'{"age": 40}'


def spaced(size: int, body: bytes = SMALL) -> bytes:
    """`body` padded with spaces to `size` bytes: valid JSON of any length."""
    return body + b" " * (size - len(body))


class Broken(io.RawIOBase):
    """A server's input stream that fails part-way, as gunicorn's does on malformed chunks."""

    def __init__(self, error: Exception) -> None:
        self.error, self.sent = error, False

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # noqa: ANN001, ANN201 - io.RawIOBase hook
        if not self.sent:
            self.sent = True
            b[:1] = b"{"
            return 1
        raise self.error


def chunked(client, path: str, stream, headers: dict | None = None):
    """POST as a server presents a chunked body: Transfer-Encoding, no Content-Length, a stream it terminates."""
    environ = {"wsgi.input": stream, "wsgi.input_terminated": True, "CONTENT_LENGTH": ""}
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"} | (headers or {})
    return client.post(path, headers=headers, environ_overrides=environ)


@pytest.fixture(params=[1, 0], ids=["fast-lane", "flask-only"])
def any_client(request, make_client):
    return make_client(FAST_LANE=request.param)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (V1, b'{"age": 40, "x": "' + b"y" * 20 * 1024 + b'"}'),
        (V1, spaced(len(SMALL) + 2 * 1024 * 1024)),
        (V1, spaced(Config.MAX_CONTENT_LENGTH + 1)),
        (FEEDBACK_PATH, spaced(Config.CDS_MAX_CONTENT_LENGTH + 1, json.dumps(FEEDBACK).encode())),
    ],
    ids=["v1-20KB", "v1-json-and-2MB-of-spaces", "v1-limit+1", "cds-limit+1"],
)
def test_a_chunked_body_past_the_route_limit_is_413(any_client, path, body):
    r = chunked(any_client, path, io.BytesIO(body), {"X-Request-ID": "chunked-413-test"})
    assert r.status_code == 413, r.get_data()[:300]
    assert r.mimetype == "application/problem+json"
    assert r.json["status"] == 413 and r.json["request_id"] == "chunked-413-test" and r.json["instance"] == path
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_flask_refuses_a_chunked_body_past_the_limit_on_a_route_that_never_reads_it(make_client):
    r = chunked(make_client(FAST_LANE=0), "/v1/tips", io.BytesIO(spaced(Config.MAX_CONTENT_LENGTH + 1)))
    assert r.status_code == 413 and r.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "error",
    [InvalidChunkSize(b"zz"), ChunkMissingTerminator(b"xx"), NoMoreData(), OSError("Invalid chunk header")],
    ids=["bad-size", "missing-terminator", "cut-short", "werkzeug-dev-server"],
)
def test_a_malformed_chunked_body_is_400_never_500(any_client, error):
    r = chunked(any_client, V1, Broken(error))
    assert r.status_code == 400, r.get_data()[:300]
    assert r.mimetype == "application/problem+json" and "chunked" in r.json["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (V1, SMALL),
        (V1, spaced(Config.MAX_CONTENT_LENGTH)),
        (V1, b'{"age": "forty"}'),
        (FEEDBACK_PATH, json.dumps(FEEDBACK).encode()),
        (FEEDBACK_PATH, spaced(Config.CDS_MAX_CONTENT_LENGTH, json.dumps(FEEDBACK).encode())),
    ],
    ids=["v1-small", "v1-at-limit", "v1-invalid", "feedback", "cds-at-limit"],
)
def test_a_chunked_body_within_the_limit_is_answered_as_with_content_length(any_client, path, body):
    plain = any_client.post(path, data=body, headers={"Content-Type": "application/json"})
    got = chunked(any_client, path, io.BytesIO(body))
    assert (got.status_code, got.mimetype) == (plain.status_code, plain.mimetype)
    if plain.status_code == 200:
        assert got.get_data() == plain.get_data()
    else:
        assert {**got.json, "request_id": ""} == {**plain.json, "request_id": ""}


SENTINEL = "Jane Doe 1970-01-01"  # what a person might type into any free-text field


def feedback(card: str) -> dict:
    item = copy.deepcopy(FEEDBACK["feedback"][1])
    item["card"] = card
    item["overrideReason"]["userComment"] = SENTINEL
    item["overrideReason"]["reason"]["display"] = SENTINEL
    return {"feedback": [item]}


@pytest.mark.parametrize(
    "card",
    [SENTINEL, "c1", "4e0a3a1e32834575ab82028d55fe2719", "{4e0a3a1e-3283-4575-ab82-028d55fe2719}", "x" * 256],
    ids=["free-text", "short", "no-hyphens", "braces", "256-characters"],
)
def test_a_feedback_card_that_is_not_a_uuid_is_422_naming_the_field(client, card):
    r = client.post(FEEDBACK_PATH, json=feedback(card))
    assert r.status_code == 422
    assert [e["field"] for e in r.json["errors"]] == ["feedback.0.card"]


@pytest.mark.parametrize("card", [SENTINEL, "9368D37B-283F-44A0-93EA-547CEBAB93ED"], ids=["free-text", "uuid"])
def test_feedback_logs_only_the_uuid_service_and_outcome(client, caplog, card):
    with caplog.at_level(logging.DEBUG):
        client.post(FEEDBACK_PATH, json=feedback(card), headers={"X-Request-ID": "feedback-log-test"})
    text = "\n".join(r.getMessage() + " " + json.dumps(getattr(r, "fields", {})) for r in caplog.records)
    assert caplog.records and "Jane" not in text and "1970" not in text
    logged = [r.fields for r in caplog.records if r.name == "service.cds"]
    expected = [{"service": "sciatica-patient-view", "card": card.lower(), "outcome": "overridden"}]
    assert logged == ([] if card == SENTINEL else expected)
