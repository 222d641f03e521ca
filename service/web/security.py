"""Edge security: security headers, CORS, and optional API keys on /v1 (compared in constant time).

The EHR routes (/cds-services, /fhir) take a key or the EHR's JWT: service/web/ehr_auth.py `ehr_refusal`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask_cors import CORS

from service.openapi import PROTECTED_PREFIX

API_CSP = "default-src 'none'; frame-ancestors 'none'"  # JSON is never rendered: nothing may load, nothing may frame it
CSP = (  # the pages (Swagger UI): their own scripts and styles only
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
EXPOSED = [
    "ETag",
    "X-Request-ID",
    "X-Content-Version",
    "Content-Language",
    "Language-Fallback",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
ALLOWED = ["Content-Type", "Accept-Language", "If-None-Match", "X-Request-ID", "X-API-Key", "Authorization"]
RECORDING = "service.recording"  # environ flag of the fast lane's recordings (service/web/fastlane.py)
CALLER = "service.api_key"  # environ key: the configured key a request holds (its window id), or None


def guarded(method: str, path: str, environ: Mapping[str, Any]) -> bool:
    """Whether API keys and rate limits apply: /v1 calls, not CORS preflights, not the fast lane's recordings."""
    return method != "OPTIONS" and path.startswith(PROTECTED_PREFIX) and RECORDING not in environ


class ApiKeys:
    """The configured keys (comma-separated, and/or one per line in a file), kept only as SHA-256 digests."""

    def __init__(self, keys: str, keys_file: str | None = None) -> None:
        raw = keys.split(",") + (Path(keys_file).read_text().splitlines() if keys_file else [])
        self.digests = tuple(hashlib.sha256(k.strip().encode()).digest() for k in raw if k.strip())

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ApiKeys:
        return cls(str(config["API_KEYS"]), config["API_KEYS_FILE"])

    def valid(self, given: str) -> bool:
        """Constant-time membership: every configured key is compared, whatever matches first."""
        candidate = hashlib.sha256(given.encode()).digest()
        found = False
        for digest in self.digests:
            found |= hmac.compare_digest(candidate, digest)
        return found

    def caller(self, environ: dict[str, Any]) -> str | None:
        """'key:<digest>' when the request holds a configured key, else None (no key, a wrong one, or keys off)."""
        if CALLER not in environ:
            given = environ.get("HTTP_X_API_KEY") or ""
            valid = bool(self.digests and given and self.valid(given))
            environ[CALLER] = "key:" + hashlib.sha256(given.encode()).hexdigest()[:16] if valid else None
        return environ[CALLER]


def init_cors(app: Flask) -> None:
    """flask-cors on every route: its hook answers preflights and adds the CORS headers (SCIATICA_CORS_ORIGINS)."""
    origins = [o.strip() for o in str(app.config["CORS_ORIGINS"]).split(",") if o.strip()]
    CORS(
        app,
        origins=origins,
        expose_headers=EXPOSED,
        allow_headers=ALLOWED,
        methods=["GET", "POST", "OPTIONS"],
        max_age=600,
    )


def csp_for(mimetype: str) -> str:
    """The Content-Security-Policy of an answer of this media type: the pages' for HTML, nothing at all else."""
    return CSP if mimetype == "text/html" else API_CSP


def security_headers(hsts: int) -> Callable[[Response], Response]:
    """The after-request hook: the headers every answer carries (HSTS when configured, for TLS deployments).

    Added in one pass, and only those the view did not set (a handout sets its own CSP): werkzeug's setdefault
    scans every header each time, about 25 us of a content GET through Flask (tests/bench/hotpaths.py).
    """
    common = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Resource-Policy", "cross-origin"),
    ]
    if hsts:
        common.append(("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"))
    sets = {kind: [*common, ("Content-Security-Policy", csp_for(kind))] for kind in ("text/html", "other")}

    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.to_wsgi_list()}
        wanted = sets["text/html" if response.mimetype == "text/html" else "other"]
        headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
        if "server" in present:
            del headers["Server"]
        return response

    return add_security_headers
