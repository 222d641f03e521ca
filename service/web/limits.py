"""Rate limits on /v1, /cds-services and /fhir: one fixed window per configured API key, else per client address.

A key that is not a configured one never selects a window: made-up keys, and failed key attempts, count against the
address (the one ProxyFix gives behind trusted proxies), so neither steps around the limit nor grows the windows held.
Admission (service/web/admission.py) counts; 429 is answered in each area's own format.

Windows are counted in a table this server's workers share (the default, service/web/host_windows.py), per
process, or in Redis shared by replicas (service/web/windows.py). flask-limiter's per-request
machinery cost 0.1-0.4 ms a request here (tests/bench/hotpaths.py), more than a content request itself.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from typing import Any

from service.openapi import limited_path
from service.web.security import RECORDING, ApiKeys
from service.web.windows import windows_for

COUNTED = "service.rate_count"  # environ key: a request is counted once even when the fast lane passes it on
RATE = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d*)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def limited(method: str, path: str, environ: Mapping[str, Any]) -> bool:
    """Whether rate limits apply: /v1, /cds-services and /fhir calls, not CORS preflights nor recordings."""
    if method == "OPTIONS" or RECORDING in environ:
        return False
    return limited_path(path)


def parse_rate(text: str) -> tuple[int, int]:
    """'300 per minute', '10/second', '1000 per 2 hours' -> (requests, window seconds)."""
    match = RATE.match(text)
    if not match or int(match[1]) < 1:
        raise ValueError(f"RATE_LIMIT: expected e.g. '300 per minute', not {text!r}")
    return int(match[1]), int(match[2] or 1) * UNIT_SECONDS[match[3].lower()]


class RateLimits:
    """The configured rate; `check` counts one request of a caller and returns whether it may go on, and headers."""

    def __init__(self, rate: str, storage_uri: str, enabled: bool, keys: ApiKeys) -> None:
        self.enabled = enabled
        self.keys = keys
        self.rate = rate
        self.amount, self.window = parse_rate(rate)  # a window opens at a caller's first request
        self.windows = windows_for(storage_uri)
        self.prefix = f"sciatica-rate/{self.amount}/{self.window}/"  # a changed rate starts fresh windows

    @classmethod
    def from_config(cls, config: Mapping[str, Any], keys: ApiKeys) -> RateLimits:
        uri, enabled = str(config["RATE_LIMIT_STORAGE_URI"]), bool(config["RATE_LIMIT_ENABLED"])
        return cls(str(config["RATE_LIMIT"]), uri, enabled, keys)

    def applies(self, method: str, path: str, environ: Mapping[str, Any]) -> bool:
        """/v1, /cds-services and /fhir are limited; health, docs, metrics and CORS preflights are not."""
        return self.enabled and limited(method, path, environ)

    def count(self, environ: dict[str, Any]) -> tuple[bool, list[tuple[str, str]]]:
        """Count this request once, at the WSGI edge or in Flask, whichever looks first: allowed?, X-RateLimit-*."""
        if COUNTED not in environ:
            caller = self.keys.caller(environ) or "ip:" + (environ.get("REMOTE_ADDR") or "-")
            environ[COUNTED] = self.check(caller)
        return environ[COUNTED]

    def check(self, caller: str) -> tuple[bool, list[tuple[str, str]]]:
        """Count a request of the caller ('key:<digest>' or 'ip:<address>'): allowed?, X-RateLimit-* headers."""
        used, reset = self.windows.incr(self.prefix + caller, self.window)
        headers = [
            ("X-RateLimit-Limit", str(self.amount)),
            ("X-RateLimit-Remaining", str(max(0, self.amount - used))),
            ("X-RateLimit-Reset", str(int(reset))),
        ]
        allowed = used <= self.amount
        if not allowed:
            headers.append(("Retry-After", str(max(1, math.ceil(reset - time.time())))))
        return allowed, headers
