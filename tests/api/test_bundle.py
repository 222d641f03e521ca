"""GET /v1/bundle: every item exactly as its own endpoint serves it, hashed, versioned, gzipped when accepted, 304s."""

import gzip
import hashlib
import json

import pytest

from service.api.state import KEY

# bundle key -> the endpoint serving it whole, or (list endpoint, per-item endpoint) for items bundled one by one
WHOLE = {
    "condition": "/v1/condition",
    "tips": "/v1/tips",
    "red_flags": "/v1/red-flags",
    "factors": "/v1/factors",
    "questionnaire": "/v1/questionnaire",
    "disclaimers": "/v1/disclaimers",
    "evidence_levels": "/v1/evidence-levels",
}
BY_ITEM = {"treatments": ("/v1/treatments", "/v1/treatments/{}"), "sources": ("/v1/sources", "/v1/sources/{}")}
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def plain(app):
    return app.test_client().get("/v1/bundle")


def test_the_bundle_holds_every_kind_of_content_this_test_checks(plain):
    assert set(plain.json["content"]) == set(WHOLE) | set(BY_ITEM) | {"illustrations"}


def test_every_picture_an_exercise_links_is_bundled_as_served(client, plain):
    pictures = plain.json["content"]["illustrations"]
    linked = [x["illustration"]["url"] for t in plain.json["content"]["treatments"] for x in t.get("exercises", [])]
    assert linked and len(linked) == len(pictures)
    for url in linked:
        exercise_id = url.rsplit("/", 1)[1].removesuffix(".svg")
        assert pictures[exercise_id].encode() == client.get(url).data, url


@pytest.mark.parametrize("key", WHOLE)
def test_a_whole_part_equals_its_endpoint(client, plain, key):
    assert plain.json["content"][key] == client.get(WHOLE[key]).json


@pytest.mark.parametrize("key", BY_ITEM)
def test_each_item_equals_its_own_endpoint(client, plain, key):
    listed, one = BY_ITEM[key]
    items = plain.json["content"][key]
    assert [i["id"] for i in items] == [i["id"] for i in client.get(listed).json]
    for item in items:
        assert item == client.get(one.format(item["id"])).json, item["id"]


def test_version_language_and_hash_describe_the_content(client, plain):
    body = plain.json
    canonical = json.dumps(body["content"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert body["content_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert (
        body["content_version"] == client.get("/v1/meta").json["content_version"] == plain.headers["X-Content-Version"]
    )
    assert body["language"] == plain.headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    "accept, zipped",
    [
        (None, False),
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br", False),
        ("identity", False),
    ],
)
def test_gzip_only_when_accepted_and_it_round_trips(client, plain, accept, zipped):
    r = client.get("/v1/bundle", headers={"Accept-Encoding": accept} if accept else {})
    assert r.status_code == 200
    assert {"Accept-Encoding", "Accept-Language"} <= set(r.vary)
    assert r.headers.get("Content-Encoding") == ("gzip" if zipped else None)
    assert (gzip.decompress(r.data) if zipped else r.data) == plain.data
    assert (r.headers["ETag"] == plain.headers["ETag"]) is not zipped


@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_if_none_match_gives_304_for_each_encoding(client, headers):
    etag = client.get("/v1/bundle", headers=headers).headers["ETag"]
    r = client.get("/v1/bundle", headers=headers | {"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b"" and r.headers["ETag"] == etag
    assert "Accept-Encoding" in r.vary


def test_one_encodings_etag_does_not_revalidate_the_other(client):
    identity = client.get("/v1/bundle").headers["ETag"]
    assert client.get("/v1/bundle", headers=GZIP | {"If-None-Match": identity}).status_code == 200


def test_bytes_and_etags_are_the_same_in_every_process(make_client, plain):
    zipped = [make_client().get("/v1/bundle", headers=GZIP) for _ in range(2)]
    assert zipped[0].data == zipped[1].data and zipped[0].headers["ETag"] == zipped[1].headers["ETag"]
    assert make_client().get("/v1/bundle").headers["ETag"] == plain.headers["ETag"]


def test_a_compressed_representation_stays_off_the_fast_lane(app):
    with app.app_context():
        catalog = app.extensions[KEY].catalog
        assert "/v1/bundle" not in catalog.paths
        with pytest.raises(ValueError, match="fast lane"):
            catalog.add("x", lambda lang: {}, "/v1/x", compress=True)
