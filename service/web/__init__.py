"""How HTTP behaves here: every Flask hook in the order it runs, errors, keys, limits, logs, metrics; the WSGI edge."""

from __future__ import annotations

from flask import Flask

from service.web.admission import Admission
from service.web.http import admit_hook, finish_hook
from service.web.logs import init_logs
from service.web.metrics import init_metrics
from service.web.problems import json_too_deep
from service.web.security import init_cors


def init_web(app: Flask, content_version: str, admission: Admission) -> None:
    """Register the app-wide hooks: CORS's, then one before every view and one after it (service/web/http.py).

    Blueprints add their own after these (CDS Hooks: body size, JSON only; CDS Hooks and FHIR: the EHR's credential).
    The fast lane answers without Flask only what these would let through (service/web/fastlane.py).
    """
    init_logs(app.config["LOG_LEVEL"])
    init_cors(app)  # flask-cors: its after-request hook, and the answers to preflights
    app.before_request(admit_hook(admission, admission.limits.rate))
    app.after_request(finish_hook(content_version, int(app.config["HSTS_SECONDS"])))
    app.register_error_handler(RecursionError, json_too_deep)
    init_metrics(app, content_version)
