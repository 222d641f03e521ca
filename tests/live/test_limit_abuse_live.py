"""Rate limits under abuse on loopback, gunicorn with the production config: made-up keys, guessed keys, EHR routes."""

import json
import secrets
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

LIMIT = 20
KEY = "live-real-key-1"


def status(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def burst(url: str, count: int, key: bool = True) -> list[tuple[int, dict[str, str], bytes]]:
    """`count` requests, each with a fresh random X-API-Key, from 8 threads."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: status(url, {"X-API-Key": secrets.token_hex(12)} if key else {}), range(count)))


def start(gunicorn, workers: int = 2, **env: str) -> str:
    """The production default: 2 workers sharing the host's windows (RATE_LIMIT_STORAGE_URI host://)."""
    settings = {"SCIATICA_RATE_LIMIT_ENABLED": "1", "SCIATICA_RATE_LIMIT": f"{LIMIT} per minute"}
    base, _ = gunicorn(WEB_CONCURRENCY=str(workers), **settings | env)
    return base


def test_random_keys_get_no_more_than_the_limit(gunicorn):
    answers = burst(start(gunicorn) + "/v1/tips", 60)
    accepted = sum(code == 200 for code, _, _ in answers)
    print(f"random keys, keys off: {accepted} of 60 accepted at {LIMIT}/minute (before the fix: 60 of 60)")
    assert accepted == LIMIT
    assert {code for code, _, _ in answers} == {200, 429}


def test_guessed_keys_are_throttled_with_problem_json(gunicorn):
    answers = burst(start(gunicorn, SCIATICA_API_KEYS=KEY) + "/v1/tips", 60)
    codes = [code for code, _, _ in answers]
    print(f"guessed keys: {codes.count(403)} refused with 403, {codes.count(429)} throttled with 429 of 60")
    assert codes.count(403) == LIMIT and codes.count(429) == 60 - LIMIT
    code, headers, body = next(a for a in answers if a[0] == 429)
    assert headers["Content-Type"] == "application/problem+json" and json.loads(body)["status"] == 429
    assert int(headers["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/cds-services", "/fhir/metadata"])
def test_ehr_routes_are_limited(gunicorn, path):
    codes = [code for code, _, _ in burst(start(gunicorn) + path, 30, key=False)]
    assert codes.count(200) == LIMIT and codes.count(429) == 30 - LIMIT, path


# (storage, workers, requests the limit lets through): memory:// counts in each worker, the default host:// once
SHARING = [("memory://", 2, 2 * LIMIT), ("host://", 2, LIMIT), ("host://", 4, LIMIT)]


@pytest.mark.parametrize(("storage", "workers", "through"), SHARING)
def test_random_keys_under_load_stay_within_the_limit(gunicorn, storage, workers, through):
    url = start(gunicorn, workers=workers, SCIATICA_RATE_LIMIT_STORAGE_URI=storage) + "/v1/tips"
    answers = burst(url, 2000)
    accepted = sum(code == 200 for code, _, _ in answers)
    print(f"random keys under load, {storage}, {workers} workers: {accepted} of 2000 accepted at {LIMIT}/minute")
    assert accepted <= through
    assert all(code in (200, 429) for code, _, _ in answers)
