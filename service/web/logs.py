"""Structured JSON-line logs; the access line has the request id, route template, status and duration only.

Bodies, query strings and header values are never logged: what a person reports is health data.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

import orjson

access = logging.getLogger("service.access")
EXAMPLES: ContextVar[bool] = ContextVar("examples", default=False)  # set while the OpenAPI examples are answered


class RealCallsOnly(logging.Filter):
    """Drops what the views log while answering the document's example requests (a CDS feedback line, say)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not EXAMPLES.get()


class JsonLines(logging.Formatter):
    """Each record as one JSON object: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            # An unhandled error says only the exception's type: Flask's line names the client's path, and an
            # exception's message can carry what the client sent (the access line gives the route).
            line["message"] = "unhandled exception"
            line["exception"] = record.exc_info[0].__name__
        line.update(getattr(record, "fields", {}))
        return orjson.dumps(line).decode()


def init_logs(level: str) -> None:
    """Send the service's logs to stdout as JSON lines."""
    root = logging.getLogger("service")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonLines())
        handler.addFilter(RealCallsOnly())
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level)
    # The lines never show a record's thread, process or source line, so do not collect them on every record
    # (the Logging HOWTO's "Optimization" table).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None


def log_access(request_id: str, method: str, route: str, status: int, seconds: float) -> None:
    """One access line: the route template, never the path, query, body or header values."""
    if access.isEnabledFor(logging.INFO):
        fields = {
            "request_id": request_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        access.info("request", extra={"fields": fields})
