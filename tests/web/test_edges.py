"""HTTP behaviour at the edges: security headers, CORS, API keys, rate limits, health, metrics, 500s."""

import re

import pytest

from service.web.logs import JsonLines

PATHS = [
    "/",
    "/v1/treatments",
    "/v1/treatments/nsaids",
    "/v1/recommendations",
    "/health/ready",
    "/docs",
    "/openapi.json",
]


# (path, what its Content-Security-Policy must hold): pages load their own scripts; JSON loads and frames nothing
CSP_CASES = [
    ("/v1/tips", "default-src 'none'; frame-ancestors 'none'"),
    ("/docs", "script-src 'self'"),
    ("/v1/nowhere", "default-src 'none'; frame-ancestors 'none'"),
    ("/health/live", "default-src 'none'; frame-ancestors 'none'"),
]


@pytest.mark.parametrize(("path", "csp"), CSP_CASES)
def test_security_headers_everywhere(client, path, csp):
    h = client.get(path).headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["Content-Security-Policy"].startswith("default-src 'none'") and csp in h["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in h and "Server" not in h


def test_hsts_when_configured(make_client):
    assert "max-age=31536000" in make_client(HSTS_SECONDS=31536000).get("/v1/tips").headers["Strict-Transport-Security"]


def test_docs_page_has_no_inline_script(client):
    html = client.get("/docs").get_data(as_text=True)
    assert "<script>" not in html and "/docs/static/docs-init.js" in html
    assert client.get("/docs/static/docs-init.js").status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_cors_preflight_on_every_route(client, path):
    r = client.options(
        path,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] in ("*", "https://app.example")
    assert "POST" in r.headers["Access-Control-Allow-Methods"]


def test_cors_exposes_headers_apps_need(client):
    r = client.get("/v1/tips", headers={"Origin": "https://app.example"})
    exposed = r.headers["Access-Control-Expose-Headers"]
    for name in ("ETag", "X-Request-ID", "X-RateLimit-Remaining", "Retry-After"):
        assert name in exposed


def test_cors_origins_are_configurable(make_client):
    c = make_client(CORS_ORIGINS="https://good.example")
    assert (
        c.get("/v1/tips", headers={"Origin": "https://good.example"}).headers["Access-Control-Allow-Origin"]
        == "https://good.example"
    )
    assert "Access-Control-Allow-Origin" not in c.get("/v1/tips", headers={"Origin": "https://evil.example"}).headers


@pytest.mark.parametrize(
    "path, key, status",
    [
        ("/v1/tips", None, 401),
        ("/v1/tips", "wrong", 403),
        ("/v1/tips", "key-two", 200),
        ("/health/ready", None, 200),
        ("/docs", None, 200),
        ("/openapi.json", None, 200),
    ],
)
def test_api_keys_when_configured(make_client, path, key, status):
    c = make_client(API_KEYS="key-one,key-two")
    r = c.get(path, headers={"X-API-Key": key} if key else {})
    assert r.status_code == status
    if status >= 400:
        assert r.mimetype == "application/problem+json" and r.json["status"] == status


def test_api_keys_from_a_file(make_client, tmp_path):
    keys = tmp_path / "keys"
    keys.write_text("first\nsecond\n")
    c = make_client(API_KEYS_FILE=str(keys))
    assert c.get("/v1/tips", headers={"X-API-Key": "second"}).status_code == 200
    assert c.get("/v1/tips", headers={"X-API-Key": "third"}).status_code == 403


def test_api_key_never_reaches_the_logs(make_client, caplog):
    c = make_client(API_KEYS="s3cret-key-value")
    c.get("/v1/tips", headers={"X-API-Key": "s3cret-key-value"})
    c.get("/v1/tips", headers={"X-API-Key": "wr0ng-key-value"})
    text = " ".join(r.getMessage() + str(getattr(r, "fields", "")) for r in caplog.records)
    assert "s3cret" not in text and "wr0ng" not in text


def test_rate_limit_gives_429_problem_with_retry_after(make_client):
    c = make_client(RATE_LIMIT_ENABLED=1, RATE_LIMIT="3 per minute")
    statuses = [c.get("/v1/tips").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = c.get("/v1/tips")
    assert r.mimetype == "application/problem+json" and r.json["status"] == 429
    assert int(r.headers["Retry-After"]) > 0 and r.headers["X-RateLimit-Limit"] == "3"
    assert c.get("/health/live").status_code == 200, "health is never limited"


def test_rate_limit_is_per_api_key(make_client):
    c = make_client(RATE_LIMIT_ENABLED=1, RATE_LIMIT="2 per minute", API_KEYS="a-key-1,b-key-2")
    for _ in range(2):
        assert c.get("/v1/tips", headers={"X-API-Key": "a-key-1"}).status_code == 200
    assert c.get("/v1/tips", headers={"X-API-Key": "a-key-1"}).status_code == 429
    assert c.get("/v1/tips", headers={"X-API-Key": "b-key-2"}).status_code == 200


def test_health(client, kb):
    assert client.get("/health/live").json == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.json["content_version"] == kb.content_version and ready.headers["Cache-Control"] == "no-store"


def test_metrics_count_requests_by_route_and_status(client, kb):
    client.get("/v1/treatments/nsaids")
    client.get("/v1/treatments/unknown")
    text = client.get("/metrics").get_data(as_text=True)
    for status in ("200", "404"):
        assert re.search(
            rf'sciatica_http_requests_total\{{method="GET",route="/v1/treatments/<[^>]*treatment_id>",status="{status}"\}}',
            text,
        )
    assert "sciatica_http_request_duration_seconds_bucket" in text
    assert f'sciatica_content_info{{content_version="{kb.content_version}"}}' in text


def test_500_is_a_problem_without_internals(caplog):
    from service import create_app

    app = create_app({"RATE_LIMIT_ENABLED": 0})
    app.add_url_rule("/v1/boom/<path:who>", "boom", lambda who: 1 / 0)
    r = app.test_client().get("/v1/boom/Jane-Doe-1980-01-01")
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert "ZeroDivision" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    logged = "\n".join(JsonLines().format(record) for record in caplog.records)  # as the service writes them
    assert '"exception":"ZeroDivisionError"' in logged  # the log line says what failed...
    assert "Jane-Doe" not in logged and "division by zero" not in logged  # ...never the client's path or the message


def test_metrics_content_type_names_its_charset_once(client):
    content_type = client.get("/metrics").headers["Content-Type"]
    assert content_type.startswith("text/plain; version=") and content_type.count("charset") == 1


def test_client_address_comes_from_trusted_proxies_only(make_client):
    def remaining(client, forwarded):
        headers = {"X-Forwarded-For": forwarded}
        return [client.get("/v1/tips", headers=headers).headers["X-RateLimit-Remaining"] for _ in range(2)]

    behind = make_client(RATE_LIMIT_ENABLED=1, RATE_LIMIT="5 per minute", PROXY_HOPS=1)
    assert remaining(behind, "203.0.113.1") == ["4", "3"]
    assert remaining(behind, "203.0.113.2") == ["4", "3"], "each forwarded client has its own limit"
    direct = make_client(RATE_LIMIT_ENABLED=1, RATE_LIMIT="5 per minute")
    assert remaining(direct, "203.0.113.1") + remaining(direct, "203.0.113.2") == ["4", "3", "2", "1"]


@pytest.mark.parametrize(
    "path", ["/v1/tips", "/v1/treatments/nsaids", "/v1/illustrations/glute-bridge.svg", "/v1/bundle",
             "/handouts/condition", "/problems/not-found"],
)  # fmt: skip
def test_a_304_carries_the_policy_of_its_200(client, path):
    """A 304 updates the headers a cache keeps (RFC 9111 4.3.4): a JSON answer's 304 once carried the pages' CSP."""
    sent = client.get(path)
    again = client.get(path, headers={"If-None-Match": sent.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Security-Policy"] == sent.headers["Content-Security-Policy"]
