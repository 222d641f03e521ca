"""Edge security: security headers, CORS, and optional API keys on /v1 (compared in constant time)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import Flask, Response, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api.problems import problem

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
EXPOSED = [
    "ETag",
    "X-Request-ID",
    "X-Content-Version",
    "Content-Language",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
ALLOWED = ["Content-Type", "Accept-Language", "If-None-Match", "X-Request-ID", "X-API-Key", "Authorization"]
PROTECTED_PREFIX = "/v1/"


def load_api_keys(keys: str, keys_file: str | None) -> tuple[bytes, ...]:
    """Configured keys (comma-separated, and/or one per line in a file), kept only as SHA-256 digests."""
    raw = [k for k in keys.split(",")]
    if keys_file:
        raw += Path(keys_file).read_text().splitlines()
    return tuple(hashlib.sha256(k.strip().encode()).digest() for k in raw if k.strip())


def key_is_valid(given: str, digests: tuple[bytes, ...]) -> bool:
    """Constant-time membership: every configured key is compared, whatever matches first."""
    candidate = hashlib.sha256(given.encode()).digest()
    found = False
    for digest in digests:
        found |= hmac.compare_digest(candidate, digest)
    return found


def init_security(app: Flask) -> None:
    """Register headers, CORS and the API-key check on `app`."""
    cfg = app.config
    hsts = int(cfg["HSTS_SECONDS"])
    origins = [o.strip() for o in str(cfg["CORS_ORIGINS"]).split(",") if o.strip()]
    CORS(
        app,
        origins=origins,
        expose_headers=EXPOSED,
        allow_headers=ALLOWED,
        methods=["GET", "POST", "OPTIONS"],
        max_age=600,
    )
    digests = load_api_keys(str(cfg["API_KEYS"]), cfg["API_KEYS_FILE"])
    hops = int(cfg["PROXY_HOPS"])
    if hops:  # only behind proxies we run: otherwise X-Forwarded-For is whatever the client says
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    @app.before_request
    def require_api_key() -> Response | None:
        if not digests or request.method == "OPTIONS" or not request.path.startswith(PROTECTED_PREFIX):
            return None
        given = request.headers.get("X-API-Key", "")
        if not given:
            return problem(401, "Send your API key in the X-API-Key header.", headers={"WWW-Authenticate": "X-API-Key"})
        if not key_is_valid(given, digests):
            return problem(403, "This API key is not valid.")
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        if hsts:
            headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
        headers.pop("Server", None)
        return response
