"""The fast lane answers exactly as Flask does: same status, headers and bytes, for every recorded path and variant."""

import json

import pytest

from service import create_app
from service.api.examples import REQUEST_EXAMPLES
from service.web.fastlane import REPLICATED_HOOKS

KEY = "lane-test-key-1"
ETAG = object()  # stands for the path's own ETag in the table below

# (case, config, request headers, query string, method, whether the lane answers without Flask)
CASES = [
    ("plain GET", {}, {}, "", "GET", True),
    ("HEAD", {}, {}, "", "HEAD", True),
    ("matching If-None-Match: 304", {}, {"If-None-Match": ETAG}, "", "GET", True),
    ("other ETag: 200", {}, {"If-None-Match": '"0123"'}, "", "GET", True),
    ("If-None-Match *", {}, {"If-None-Match": "*"}, "", "GET", True),
    ("weak form of the ETag", {}, {"If-None-Match": "W/" + "{etag}"}, "", "GET", True),
    ("HEAD with matching ETag", {}, {"If-None-Match": ETAG}, "", "HEAD", True),
    ("caller's request id echoed", {}, {"X-Request-ID": "app-req-0001"}, "", "GET", True),
    ("malformed request id replaced", {}, {"X-Request-ID": "bad id!"}, "", "GET", True),
    ("unknown query parameter: 422 from Flask", {}, {}, "x=1", "GET", False),
    (
        "browser Origin: CORS by Flask",
        {"CORS_ORIGINS": "https://app.example"},
        {"Origin": "https://app.example"},
        "",
        "GET",
        False,
    ),
    ("Accept-Language: Flask negotiates", {}, {"Accept-Language": "es"}, "", "GET", False),
    ("valid API key", {"API_KEYS": KEY}, {"X-API-Key": KEY}, "", "GET", True),
    ("missing API key: 401 from Flask", {"API_KEYS": KEY}, {}, "", "GET", False),
    ("wrong API key: 403 from Flask", {"API_KEYS": KEY}, {"X-API-Key": "wrong-key-123"}, "", "GET", False),
    ("rate limit counted", {"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "1000 per hour"}, {}, "", "GET", True),
]


def build(lane, config):
    app = create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0, "FAST_LANE": lane} | config)
    return app, app.test_client()


def answer(client, path, method, headers, query):
    r = client.open(path, method=method, headers={"X-Request-ID": "same-id-in-both"} | headers, query_string=query)
    kept = sorted((k, v) for k, v in r.headers.items() if k not in ("X-Request-ID", "X-RateLimit-Reset"))
    return r.status_code, r.get_data(), kept, "X-Request-ID" in r.headers, "X-RateLimit-Reset" in r.headers


@pytest.mark.parametrize(("case", "config", "headers", "query", "method", "in_lane"), CASES, ids=[c[0] for c in CASES])
def test_lane_answers_as_flask_does(client, case, config, headers, query, method, in_lane):
    fast_app, fast = build(1, config)
    _, slow = build(0, config)
    lane = fast_app.wsgi_app.app
    paths = fast_app.extensions["sciatica"].catalog.paths
    assert paths and lane.get_paths == set(paths)
    for client_ in (fast, slow):  # the lane records a path at its first request, through Flask
        for path in paths:
            client_.get(path, headers={"X-API-Key": KEY})
    assert all(lane.gets[path] for path in paths), "every catalog path was recorded"
    flask_calls = []
    inner = lane.app
    lane.app = lambda environ, start_response: flask_calls.append(1) or inner(environ, start_response)
    for path in paths:
        etag = client.get(path).headers["ETag"]
        sent = {k: etag if v is ETAG else v.replace("{etag}", etag) for k, v in headers.items()}
        expected = answer(slow, path, method, sent, query)
        assert answer(fast, path, method, sent, query) == expected, (case, path)
    assert bool(flask_calls) is not in_lane, "the lane answered alone" if in_lane else "the lane passed it to Flask"


def test_rate_limit_past_the_limit_is_flasks_429_in_both():
    for lane in (1, 0):
        _, client = build(lane, {"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "2 per minute"})
        statuses = [client.get("/v1/tips").status_code for _ in range(3)]
        assert statuses == [200, 200, 429], f"lane={lane}"


def test_access_line_and_metrics_for_lane_answers(caplog):
    app, client = build(1, {})
    client.get("/v1/treatments/staying-active", headers={"X-Request-ID": "lane-line-0001"})
    lines = [getattr(r, "fields", {}) for r in caplog.records if r.name == "service.access"]
    assert {"request_id": "lane-line-0001", "method": "GET", "status": 200}.items() <= lines[-1].items()
    assert lines[-1]["route"] == "/v1/treatments/<string(maxlength=64):treatment_id>"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="/v1/treatments/<string(maxlength=64):treatment_id>",status="200"' in text


LIMITED = {"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "1000 per hour"}
JSON = {"Content-Type": "application/json"}
VALID = [json.dumps(example["value"]) for example in REQUEST_EXAMPLES.values()]

# (case, config, headers, bodies, whether the lane answers every body without Flask)
POSTS = [
    ("every request example", {}, JSON, VALID, True),
    ("charset parameter", {}, {"Content-Type": "application/json; charset=utf-8"}, VALID[:1], True),
    ("counted by the rate limit", LIMITED, JSON, VALID[:3], True),
    ("with a valid API key", {"API_KEYS": KEY}, JSON | {"X-API-Key": KEY}, VALID[:1], True),
    ("invalid report: 422 from Flask", LIMITED, JSON, ['{"pain": 11}', '{"duration_days": -1}', '{"x": 1}'], False),
    ("malformed JSON: 400 from Flask", LIMITED, JSON, ["{", "[]", "null", '{"pain": NaN}', '"\\ud800"'], False),
    ("deep JSON: 400 from Flask", {}, JSON, ["[" * 5000 + "]" * 5000], False),
    ("not JSON: 415 from Flask", {}, {"Content-Type": "text/plain"}, VALID[:1], False),
    ("too large: 413 from Flask", {}, JSON, [" " * 20000 + VALID[0]], False),
    ("missing API key: 401 from Flask", {"API_KEYS": KEY}, JSON, VALID[:1], False),
    ("browser Origin: CORS by Flask", {}, JSON | {"Origin": "https://app.example"}, VALID[:1], False),
]


@pytest.mark.parametrize(("case", "config", "headers", "bodies", "in_lane"), POSTS, ids=[c[0] for c in POSTS])
def test_lane_posts_answer_as_flask_does(case, config, headers, bodies, in_lane):
    fast_app, fast = build(1, config)
    _, slow = build(0, config)
    lane = fast_app.wsgi_app.app
    assert list(lane.post_specs) == ["/v1/recommendations"], "the POST is in the lane"
    for client_ in (fast, slow):  # the first POST records Flask's headers
        client_.post("/v1/recommendations", data=VALID[0], headers=JSON | {"X-API-Key": KEY})
    assert lane.posts["/v1/recommendations"], "the POST was recorded"
    flask_calls = []
    inner = lane.app
    lane.app = lambda environ, start_response: flask_calls.append(1) or inner(environ, start_response)
    for body in bodies:
        expected = answer_post(slow, headers, body)
        assert answer_post(fast, headers, body) == expected, (case, body[:40])
    assert len(flask_calls) == (0 if in_lane else len(bodies)), "who answered"


def answer_post(client, headers, body):
    r = client.post("/v1/recommendations", data=body, headers={"X-Request-ID": "same-id-in-both"} | headers)
    kept = sorted((k, v) for k, v in r.headers.items() if k not in ("X-Request-ID", "X-RateLimit-Reset"))
    return r.status_code, r.get_data(), kept


def test_a_failure_in_the_lane_is_flasks_problem_500(monkeypatch):
    _, client = build(1, {"TESTING": False})  # as served: Flask turns the error into a 500 problem
    client.post("/v1/recommendations", data=VALID[0], headers=JSON)  # recorded
    from service.engine import Engine

    monkeypatch.setattr(Engine, "recommend", lambda *a: 1 / 0)
    r = client.post("/v1/recommendations", data=VALID[0], headers=JSON)
    assert r.status_code == 500 and r.mimetype == "application/problem+json"


HOOK_KINDS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs", "url_value_preprocessors")


def test_the_lane_knows_every_flask_hook_on_its_paths():
    """A hook added to the app, or to a blueprint whose paths the lane answers, fails here until the lane knows it."""
    app, _ = build(1, {})
    lane = app.wsgi_app.app
    adapter = app.url_map.bind("localhost")
    served = [(p, "GET") for p in lane.get_paths] + [(p, "POST") for p in lane.post_specs]
    blueprints = {None} | {adapter.match(path, method=method)[0].rpartition(".")[0] for path, method in served}
    hooks = {
        (bp, kind.removesuffix("_funcs"), f.__name__)
        for kind in HOOK_KINDS
        for bp in blueprints
        for f in getattr(app, kind).get(bp, [])
    }
    assert hooks == REPLICATED_HOOKS


# (Accept-Language sent, whether the lane answers alone, the Content-Language of the answer)
LANGUAGES = [(None, True, "en"), ("es", False, "es"), ("es-MX,es;q=0.9", False, "es"), ("en-GB", False, "en")]
TRANSLATED = ("/v1/tips", "/v1/red-flags", "/v1/treatments", "/v1/condition", "/v1/questionnaire")


@pytest.mark.parametrize(("sent", "in_lane", "language"), LANGUAGES, ids=[str(c[0]) for c in LANGUAGES])
def test_with_two_content_languages_the_lane_leaves_negotiation_to_flask(sent, in_lane, language):
    fast_app, fast = build(1, {})
    _, slow = build(0, {})
    lane = fast_app.wsgi_app.app
    headers = {"Accept-Language": sent} if sent else {}
    flask_calls = []
    for path in [p for p in sorted(lane.get_paths) if p.startswith(TRANSLATED)][:6]:
        fast.get(path)  # recorded
        inner = lane.app
        lane.app = lambda environ, start_response, inner=inner: flask_calls.append(1) or inner(environ, start_response)
        expected = answer(slow, path, "GET", headers, "")
        got = answer(fast, path, "GET", headers, "")
        lane.app = inner
        assert got == expected, path
        assert dict(got[2])["Content-Language"] == language and dict(got[2])["Vary"] == "Accept-Language"
    assert bool(flask_calls) is not in_lane
