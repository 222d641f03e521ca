"""Exercise pictures over HTTP: linked from every exercise, served as SVG like other content, and in the handouts."""

import html
import re

import pytest
from markupsafe import escape

from service.knowledge import load_knowledge

KB = load_knowledge()
WITH_EXERCISES = [t for t in KB.treatments if t.exercises]
EXERCISES = [x for t in WITH_EXERCISES for x in t.exercises]
SVG = "image/svg+xml"


def test_three_treatments_carry_the_exercises():
    assert [t.id for t in WITH_EXERCISES] == ["mckenzie-method", "strengthening-exercises", "stretching-exercises"]


@pytest.mark.parametrize("treatment", WITH_EXERCISES, ids=lambda t: t.id)
def test_each_exercise_links_a_picture_that_answers(client, treatment):
    exercises = client.get(f"/v1/treatments/{treatment.id}").json["exercises"]
    assert [x["id"] for x in exercises] == [x.id for x in treatment.exercises]
    for item, exercise in zip(exercises, treatment.exercises, strict=True):
        link = item["illustration"]
        picture = KB.illustrations[exercise.id]
        assert link == {
            "url": f"/v1/illustrations/{exercise.id}.svg",
            "alt": exercise.illustration_alt.get_text(),
            "width": picture.width,
            "height": picture.height,
        }
        r = client.get(link["url"])
        assert r.status_code == 200 and r.mimetype == SVG
        assert r.get_data(as_text=True) == picture.svg


@pytest.mark.parametrize("path", ["/v1/treatments?view=full", "/v1/treatments?view=full&category=exercise"])
def test_full_lists_link_the_pictures_too(client, path):
    listed = [x for t in client.get(path).json for x in t["exercises"]]
    assert [x["illustration"]["url"] for x in listed] == [f"/v1/illustrations/{x.id}.svg" for x in EXERCISES]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda x: x.id)
def test_served_as_cacheable_content_that_runs_nothing(client, kb, exercise):
    r = client.get(f"/v1/illustrations/{exercise.id}.svg")
    assert r.headers["Cache-Control"].startswith("public, max-age=") and r.headers["ETag"]
    assert r.headers["X-Content-Version"] == kb.content_version and r.headers["X-Content-Type-Options"] == "nosniff"
    csp = {d.strip().split(" ", 1)[0]: d.strip() for d in r.headers["Content-Security-Policy"].split(";")}
    assert csp["default-src"] == "default-src 'none'" and "sandbox" in csp and "script-src" not in csp
    again = client.get(r.request.path, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == r.headers["ETag"]


def test_each_picture_has_its_own_etag(client):
    etags = {client.get(f"/v1/illustrations/{x.id}.svg").headers["ETag"] for x in EXERCISES}
    assert len(etags) == len(EXERCISES)


@pytest.mark.parametrize(
    "path, status",
    [
        ("/v1/illustrations/no-such-exercise.svg", 404),
        ("/v1/illustrations/KNEE-TO-CHEST.svg", 404),
        ("/v1/illustrations/knee-to-chest", 404),
        ("/v1/illustrations/knee-to-chest.png", 404),
        ("/v1/illustrations/stretching-exercises.svg", 404),
        ("/v1/illustrations/" + "x" * 65 + ".svg", 404),
        ("/v1/illustrations/knee-to-chest.svg?size=large", 422),
    ],
)
def test_unknown_pictures_are_problems(client, path, status):
    r = client.get(path)
    assert r.status_code == status and r.mimetype == "application/problem+json"
    assert r.json["status"] == status


def test_behind_the_api_key_like_all_of_v1(make_client):
    client = make_client(API_KEYS="k1")
    assert client.get("/v1/illustrations/cat-cow.svg").status_code == 401
    assert client.get("/v1/illustrations/cat-cow.svg", headers={"X-API-Key": "k1"}).status_code == 200


def test_documented_as_svg(app):
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    operation = spec["paths"]["/v1/illustrations/{exercise_id}.svg"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {SVG}
    assert "404" in operation["responses"]
    schema = spec["components"]["schemas"]["Illustration"]
    assert set(schema["properties"]) == {"url", "alt", "width", "height"}
    assert all(p.get("description") and "example" in p for p in schema["properties"].values())


@pytest.mark.parametrize("treatment", WITH_EXERCISES, ids=lambda t: t.id)
def test_handout_shows_each_picture_with_its_alt_text(client, treatment):
    body = client.get(f"/handouts/{treatment.id}").get_data(as_text=True)
    figures = re.findall(r'<figure class="pose"><svg aria-label="([^"]*)" viewBox="[^"]*"[^>]*role="img">', body)
    assert [html.unescape(alt) for alt in figures] == [x.illustration_alt.get_text() for x in treatment.exercises]
    for x in treatment.exercises:  # each picture sits under its exercise's heading, before the steps
        heading = body.index(f"<h3>{escape(x.name.get_text())}</h3>")
        first_step = body.index(str(escape(x.steps[0].get_text())), heading)
        label = escape(x.illustration_alt.get_text())
        assert heading < body.index(f'aria-label="{label}"', heading) < first_step
