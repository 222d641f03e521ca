"""GET /v1/releases and /v1/releases.atom: the recorded content versions, as JSON and as a valid Atom feed."""

import datetime as dt

import feedparser
import pytest

from service.api.releases import FEED_ID, atom
from service.schemas.releases import ReleaseFeedSchema

FORMS = [("/v1/releases", "application/json"), ("/v1/releases.atom", "application/atom+xml")]


@pytest.fixture(scope="module")
def feed(app):
    return app.test_client().get("/v1/releases").json


def test_the_json_feed_keeps_its_schema(feed, kb):
    assert ReleaseFeedSchema().validate(feed) == {}
    assert feed["content_version"] == kb.content_version
    assert [r["version"] for r in feed["releases"]] == [r.version for r in reversed(kb.releases)]


def test_the_current_version_is_recorded_and_the_first_release_says_earlier_ones_were_not(feed, kb):
    newest, first = feed["releases"][0], feed["releases"][-1]
    assert newest["version"] == kb.content_version
    assert first["previous_version"] is None and "not recorded" in first["note"]
    assert first["must_refresh"] is True and first["refresh_within_days"] == 7


@pytest.mark.parametrize("path, mimetype", FORMS)
def test_each_form_has_an_etag_and_answers_304(client, path, mimetype):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == mimetype and "public" in r.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_atom_feed_parses_with_an_entry_per_release(client, feed):
    parsed = feedparser.parse(client.get("/v1/releases.atom").data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == FEED_ID and parsed.feed.title and parsed.feed.author == "Sciatica Relief API team"
    assert any(link.rel == "self" and link.href.endswith("/v1/releases.atom") for link in parsed.feed.links)
    assert [e.id for e in parsed.entries] == [f"{FEED_ID}/{r['version']}" for r in feed["releases"]]
    for entry, release in zip(parsed.entries, feed["releases"], strict=True):
        assert entry.updated.startswith(release["date"]) and release["version"] in entry.title
        assert ("must refresh within 7 days" in entry.content[0].value) is release["must_refresh"]


HOSTILE = {
    "content_version": "9.9.9",
    "releases": [
        {
            "version": "9.9.9",
            "date": "2027-01-02",
            "previous_version": "9.9.8",
            "note": 'Fixed <b>bold</b> & "quotes" ]]> in a note',
            "changes": {
                "added": ["tips/a<b>"],
                "removed": ["tips/old"],
                "grade_changed": [{"item": "treatments/x&y", "before": "low/for/conditional", "after": None}],
                "safety_changed": [],
                "updated": [],
            },
            "must_refresh": True,
            "refresh_within_days": 7,
        },
        {
            "version": "9.9.8",
            "date": "2027-01-01",
            "previous_version": None,
            "note": None,
            "changes": {"added": [], "removed": [], "grade_changed": [], "safety_changed": [], "updated": []},
            "must_refresh": False,
            "refresh_within_days": None,
        },
    ],
}


def test_atom_escapes_every_text_and_says_each_kind_of_change():
    parsed = feedparser.parse(atom(HOSTILE, "en"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.updated_parsed[:3] == dt.date(2027, 1, 2).timetuple()[:3]
    text = parsed.entries[0].content[0].value
    for said in ('Fixed <b>bold</b> & "quotes" ]]> in a note', "Added: tips/a<b>.", "Removed: tips/old."):
        assert said in text
    assert "Grade changed: treatments/x&y (low/for/conditional to None)." in text
    assert parsed.entries[1].content[0].value == "No refresh needed."
