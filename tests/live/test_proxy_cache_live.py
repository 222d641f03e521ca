"""Through deploy/nginx.conf's cache: per-request headers are never replayed, no API key reaches a cache file, keyed
answers are never shared, and /metrics stays off the public proxy."""

import json
import re
import time
from pathlib import Path

import pytest

from tests.live.test_proxy_links import send

CONTENT = "/v1/tips"  # public, cacheable content under /v1 (keys and rate limits apply)
KEY = "live-cache-key-7f3a9c2e51"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def cached(url: str, headers: dict | None = None, seconds: float = 3.0) -> tuple[int, dict, bytes]:
    """The next answer nginx gives from its cache. nginx marks an entry stored when the upstream is done, which can
    come a moment after the client has had every byte; on a busy machine a request sent at once can still miss, so
    ask again until a HIT (within `seconds`; then the last answer, for the assertion to show)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = send(url, headers=headers or {})
        if answer[1]["X-Cache-Status"] == "HIT" or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def cache_folder(tmp_path: Path) -> Path:
    """The cache folder of the nginx the `nginx` fixture started (its config is written to tmp_path)."""
    return Path(re.search(r"proxy_cache_path (\S+)", (tmp_path / "nginx.conf").read_text()).group(1))


@pytest.mark.parametrize("sent", [True, False], ids=["caller-id", "nginx-id"])
def test_a_cache_hit_answers_with_the_current_request_id(gunicorn, nginx, sent):
    proxy = nginx(gunicorn()[0])
    ids = []
    for n, expected in enumerate(["MISS", "HIT", "HIT"]):
        given = {"X-Request-ID": f"cache-hit-{n}-abcdef"} if sent else {}
        status, head, _ = (cached if n else send)(proxy + CONTENT, headers=given)
        assert (status, head["X-Cache-Status"]) == (200, expected)
        assert head["X-Request-ID"] == given.get("X-Request-ID", head["X-Request-ID"])
        ids.append(head["X-Request-ID"])
    assert len(set(ids)) == 3, ids


def test_rate_limit_headers_come_only_from_the_app_never_from_the_cache(gunicorn, nginx):
    proxy = nginx(gunicorn(SCIATICA_RATE_LIMIT_ENABLED="1", SCIATICA_RATE_LIMIT="50 per minute")[0])
    status, head, _ = send(proxy + CONTENT)
    assert (status, head["X-Cache-Status"]) == (200, "MISS")
    assert head["X-RateLimit-Limit"] == "50" and head["X-RateLimit-Remaining"] == "49"
    for _ in range(2):
        status, head, _ = cached(proxy + CONTENT)
        assert (status, head["X-Cache-Status"]) == (200, "HIT")
        assert not set(RATE_HEADERS) & set(head), head  # the app did not count these: no stale window to show
    status, head, _ = send(proxy + "/v1/tips?fresh=1")  # the app's own count (per worker with memory://)
    assert head["X-Cache-Status"] == "MISS" and 40 <= int(head["X-RateLimit-Remaining"]) <= 49  # misses count


# With keys configured, and a bearer token (the app ignores it on /v1; a JWT check elsewhere must not be bypassed).
@pytest.mark.parametrize(
    ("env", "header"),
    [({"SCIATICA_API_KEYS": KEY}, {"X-API-Key": KEY}), ({}, {"Authorization": f"Bearer {KEY}"})],
    ids=["key", "bearer"],
)
def test_no_credential_reaches_a_cache_file_and_keyed_answers_are_not_shared(gunicorn, nginx, tmp_path, env, header):
    proxy = nginx(gunicorn(**env)[0])
    for _ in range(3):
        status, head, _ = send(proxy + CONTENT, headers=header)
        assert (status, head["X-Cache-Status"]) == (200, "BYPASS")
    if env:  # a caller without the key never gets a key holder's answer
        assert send(proxy + CONTENT)[0] == 401
        assert send(proxy + CONTENT, headers={"X-API-Key": "not-the-key-0000"})[0] == 403
    files = [p for p in cache_folder(tmp_path).rglob("*") if p.is_file()]
    assert all(KEY.encode() not in p.read_bytes() for p in files), files


def test_keyless_content_is_still_cached_when_no_keys_are_configured(gunicorn, nginx, tmp_path):
    proxy = nginx(gunicorn()[0])
    assert [send(proxy + CONTENT)[1]["X-Cache-Status"], cached(proxy + CONTENT)[1]["X-Cache-Status"]] == ["MISS", "HIT"]
    assert any(cache_folder(tmp_path).rglob("*/*/*")), "nothing cached"


@pytest.mark.parametrize("path", ["/metrics", "/metrics?x=1", "//metrics", "/metrics/", "/%6detrics", "/./metrics"])
def test_metrics_are_not_served_through_the_proxy(gunicorn, nginx, path):
    base, _ = gunicorn()
    proxy = nginx(base)
    status, head, answer = send(proxy + path, headers={"X-Request-ID": "no-metrics-1234"})
    assert (status, head["Content-Type"]) == (404, "application/problem+json"), answer[:200]
    assert json.loads(answer) | {"detail": ""} == {
        "type": "/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "",
        "request_id": "no-metrics-1234",
    }
    assert send(base + "/metrics")[0] == 200  # the app's own, for scrapers inside the network
