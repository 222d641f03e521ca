"""Rate limits nobody can step around: made-up keys, guessed keys, many callers; in Flask and in the fast lane."""

import secrets

import pytest

from service import create_app

KEY = "the-real-key-1"
LANES = pytest.mark.parametrize("lane", [1, 0], ids=["fast lane", "flask"])


def build(lane, **config):
    settings = {"TESTING": True, "RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "5 per minute", "FAST_LANE": lane}
    app = create_app(settings | config)
    return app, app.test_client()


def random_key():
    return {"X-API-Key": secrets.token_hex(8)}


def assert_throttled(r):
    assert r.status_code == 429 and r.mimetype == "application/problem+json" and r.json["status"] == 429
    assert int(r.headers["Retry-After"]) > 0 and r.headers["X-RateLimit-Remaining"] == "0"


@LANES
@pytest.mark.parametrize("path", ["/v1/tips", "/v1/treatments"])
def test_made_up_keys_with_keys_off_count_against_the_address(lane, path):
    _, client = build(lane)
    answers = [client.get(path, headers=random_key()) for _ in range(8)]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 3
    assert_throttled(answers[-1])


@LANES
@pytest.mark.parametrize(("headers", "refused"), [(random_key, 403), (dict, 401)], ids=["wrong key", "no key"])
def test_guessing_keys_is_throttled(lane, headers, refused):
    _, client = build(lane, API_KEYS=KEY)
    answers = [client.get("/v1/tips", headers=headers()) for _ in range(8)]
    assert [r.status_code for r in answers] == [refused] * 5 + [429] * 3
    assert_throttled(answers[-1])


@LANES
def test_a_valid_key_keeps_its_own_window(lane):
    _, client = build(lane, API_KEYS=KEY)
    for _ in range(6):
        client.get("/v1/tips", headers=random_key())  # the address's window is spent
    assert client.get("/v1/tips", headers=random_key()).status_code == 429
    valid = [client.get("/v1/tips", headers={"X-API-Key": KEY}) for _ in range(6)]
    assert [r.status_code for r in valid] == [200] * 5 + [429]
    assert [r.headers["X-RateLimit-Remaining"] for r in valid[:5]] == ["4", "3", "2", "1", "0"]


@LANES
@pytest.mark.parametrize("keys", ["", KEY], ids=["keys off", "keys on"])
def test_windows_stay_bounded_after_10000_random_keys(lane, keys):
    app, client = build(lane, API_KEYS=keys, RATE_LIMIT="100000 per minute")
    for _ in range(10_000):
        client.get("/v1/tips", headers=random_key())
    assert len(app.extensions["sciatica"].limits.windows) == 1, "one window: the one address"


def test_each_forwarded_client_has_its_own_window():
    _, client = build(1, PROXY_HOPS=1, RATE_LIMIT="2 per minute")
    for address in ("203.0.113.7", "203.0.113.8"):
        statuses = [client.get("/v1/tips", headers={"X-Forwarded-For": address}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429], address


# (path, keys configured, what made-up keys get until the limit): a wrong key is refused where keys apply
EHR_LIMITS = [
    ("/cds-services", "", 200),
    ("/cds-services", KEY, 403),
    ("/fhir/metadata", "", 200),
    ("/fhir/metadata", KEY, 200),  # open to all: clients read it before they hold a credential
    ("/fhir/PlanDefinition", "", 200),
    ("/fhir/PlanDefinition", KEY, 403),
]


@pytest.mark.parametrize(("path", "keys", "before"), EHR_LIMITS)
def test_cds_services_and_fhir_are_limited(path, keys, before):
    _, client = build(1, API_KEYS=keys)
    answers = [client.get(path, headers=random_key()) for _ in range(6)]
    assert [r.status_code for r in answers] == [before] * 5 + [429]
    throttled = answers[-1]
    assert int(throttled.headers["Retry-After"]) > 0 and throttled.headers["X-RateLimit-Remaining"] == "0"
    expected = "application/fhir+json" if path.startswith("/fhir") else "application/problem+json"
    assert throttled.mimetype == expected, "each area answers 429 in its own error format"
    assert answers[0].headers["X-RateLimit-Limit"] == "5"
