"""Rate limits per API key (or client address) with flask-limiter; 429 answers are problem+json."""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from service.api.security import PROTECTED_PREFIX


def client_key() -> str:
    """The caller: a digest of its API key when it sends one, else its address."""
    key = request.headers.get("X-API-Key")
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16] if key else "ip:" + (get_remote_address() or "-")


def init_limits(app: Flask) -> Limiter:
    """Limit /v1 by the configured rate; storage is in-memory unless a shared (Redis) URI is set."""
    limiter = Limiter(
        client_key,
        app=app,
        default_limits=[str(app.config["RATE_LIMIT"])],
        storage_uri=str(app.config["RATE_LIMIT_STORAGE_URI"]),
        headers_enabled=True,
        enabled=bool(app.config["RATE_LIMIT_ENABLED"]),
        strategy="fixed-window",
    )
    limiter.request_filter(lambda: not request.path.startswith(PROTECTED_PREFIX) or request.method == "OPTIONS")
    return limiter
