"""How HTTP behaves here: every Flask hook in the order it runs, errors, keys, limits, logs, metrics; the WSGI edge."""

from __future__ import annotations

from flask import Flask

from service.web.http import content_version_stamp, refuse_body, take_request_id
from service.web.limits import RateLimits, rate_count, send_counts
from service.web.logs import init_logs
from service.web.metrics import init_metrics
from service.web.problems import json_too_deep
from service.web.security import ApiKeys, api_key_check, init_cors, security_headers


def init_web(app: Flask, content_version: str, keys: ApiKeys, limits: RateLimits) -> None:
    """Register every app-wide hook. Blueprints add their own after these (CDS Hooks: body size, the EHR's JWT)."""
    init_logs(app.config["LOG_LEVEL"])
    before = (
        take_request_id,  # the request id and route, for problem bodies and telemetry
        refuse_body,  # a body the edge refused: 413 or 400 whoever sends it
        rate_count(limits),  # counted before the key check: guessing keys is throttled too
        api_key_check(keys),  # /v1 with keys configured
    )
    for hook in before:
        app.before_request(hook)
    # After the view, registered last-run first (Flask runs after-request hooks in reverse): this request's rate
    # counts, then the security headers, then CORS's headers, then the content version.
    app.after_request(content_version_stamp(content_version))
    init_cors(app)  # flask-cors: its after-request hook, and the answers to preflights
    app.after_request(security_headers(int(app.config["HSTS_SECONDS"])))
    app.after_request(send_counts)
    app.register_error_handler(RecursionError, json_too_deep)
    init_metrics(app, content_version)
