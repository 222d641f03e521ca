"""Prometheus metrics: requests and latency by route and status, and the content version; multiprocess-safe."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("sciatica_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "sciatica_http_request_duration_seconds",
    "Time to answer",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
CONTENT = Gauge("sciatica_content_info", "Loaded content version", ["content_version"], multiprocess_mode="max")


def registry() -> CollectorRegistry:
    """All workers' metrics under gunicorn (PROMETHEUS_MULTIPROC_DIR), this process's otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return merged
    from prometheus_client import REGISTRY

    return REGISTRY


_SERIES: dict[tuple[str, str, str], tuple[Any, Any]] = {}  # bounded: routes are templates, 404s are "(unmatched)"


def observe(method: str, route: str, status: str, seconds: float) -> None:
    """Count one answer and its latency (called by service/api/telemetry.py for every request)."""
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[method, route, status] = (
            REQUESTS.labels(method, route, status),
            LATENCY.labels(method, route),
        )
    series[0].inc()
    series[1].observe(seconds)


def init_metrics(app: Flask, content_version: str) -> None:
    """Serve GET /metrics (text exposition format, not part of the JSON API)."""
    CONTENT.labels(content_version).set(1)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(
            generate_latest(registry()), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
        )
