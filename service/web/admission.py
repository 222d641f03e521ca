"""Admission: the rules a request passes before any answer, the same on every path (Flask's hook, the fast lane).

In order: a body the edge refused (413, 400) is refused whoever sends it; the request is counted against its rate
limit (before the key check, so guessing keys is throttled too); on /v1 with keys configured, a key is needed (401)
and must be a configured one (403). The EHR routes check their own credential in their blueprint (a JWT or a key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.web.limits import RateLimits
from service.web.security import ApiKeys, guarded

Headers = list[tuple[str, str]]
REFUSED_KEY = "service.refused"  # environ: the HTTPException the edge's body reader chose (service/web/edge.py)


@dataclass(frozen=True)
class Verdict:
    """`refused`: None to go on, else the status to answer (400/413: see `error`, 429, 401, 403); `counts`: the
    X-RateLimit-* (and Retry-After) headers this request's answer carries."""

    refused: int | None
    counts: Headers
    error: Exception | None = None  # the edge's refusal of the body, raised as is (its own status and text)


class Admission:
    """The admission rules of this app, for any WSGI environ; each request is counted once whichever path asks."""

    def __init__(self, keys: ApiKeys, limits: RateLimits) -> None:
        self.keys, self.limits = keys, limits

    def check(self, environ: dict[str, Any]) -> Verdict:
        refused_body = environ.get(REFUSED_KEY)
        if refused_body is not None:
            return Verdict(getattr(refused_body, "code", 400), [], refused_body)
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        counts: Headers = []
        if self.limits.applies(method, path, environ):
            allowed, counts = self.limits.count(environ)
            if not allowed:
                return Verdict(429, counts)
        if self.keys.digests and guarded(method, path, environ):
            if not environ.get("HTTP_X_API_KEY"):
                return Verdict(401, counts)
            if not self.keys.caller(environ):
                return Verdict(403, counts)
        return Verdict(None, counts)
