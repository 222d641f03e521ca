"""Structured JSON-line logs: one access line per request with ids, route template, status and duration only.

Bodies, query strings and header values are never logged: what a person reports is health data.
"""

from __future__ import annotations

import logging
import sys

import orjson
from flask import Flask, Response, request

from service.api.http import elapsed_seconds
from service.api.problems import request_id

access = logging.getLogger("service.access")


class JsonLines(logging.Formatter):
    """Each record as one JSON object: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        return orjson.dumps(line).decode()


def init_logs(app: Flask, level: str) -> None:
    """Send the service's logs to stdout as JSON lines and write an access line after each request."""
    root = logging.getLogger("service")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level)

    @app.after_request
    def log_access(response: Response) -> Response:
        fields = {
            "request_id": request_id(),
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else "(unmatched)",
            "status": response.status_code,
            "duration_ms": round(elapsed_seconds() * 1000, 2),
        }
        access.info("request", extra={"fields": fields})
        return response
