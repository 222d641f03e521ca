"""Prometheus metrics: requests and latency by route and status, and the content version; multiprocess-safe.

Labels come from closed sets (known methods, the app's own route templates, HTTP statuses), so no client can add
series. Storage fails safe: file pages are reserved before use, so a full folder is an error here, not a SIGBUS.
"""

from __future__ import annotations

import errno
import logging
import os
from http import HTTPStatus
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
    values,
)
from prometheus_client.mmap_dict import MmapedDict
from werkzeug.routing import Map

log = logging.getLogger("service.metrics")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
STATUSES = frozenset(str(status.value) for status in HTTPStatus)
UNMATCHED = "(unmatched)"
OTHER = "other"


def _reserve(fd: int, offset: int, length: int) -> None:
    """Allocate the file's blocks now: writing an mmap page a full tmpfs cannot back kills the process (SIGBUS)."""
    if hasattr(os, "posix_fallocate"):
        os.posix_fallocate(fd, offset, length)


class ReservedMmapedDict(MmapedDict):
    """prometheus_client's per-process sample file, with every page reserved before it is written."""

    def __init__(self, filename: str, read_mode: bool = False) -> None:
        if not read_mode:
            with open(filename, "a+b") as f:
                if os.fstat(f.fileno()).st_size == 0:
                    f.truncate(1 << 20)  # prometheus_client's initial size, left sparse
                _reserve(f.fileno(), 0, 8)  # the header the parent writes at once
        super().__init__(filename, read_mode)

    def _init_value(self, key: str) -> None:
        _reserve(self._f.fileno(), self._used, len(key.encode()) + 32)  # >= the entry: length, padded key, 2 doubles
        super()._init_value(key)


values.MmapedDict = ReservedMmapedDict  # type: ignore[misc] # used by each process's value files (prometheus_client.values)

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


_MAPS: list[Map] = []  # the url maps of the apps in this process
_ROUTES: set[str] = {UNMATCHED}


def _known(route: str) -> bool:
    """Whether `route` is a route template of an app here (learnt on first sight: routes are added at startup)."""
    _ROUTES.update(rule.rule for url_map in _MAPS for rule in url_map.iter_rules())
    return route in _ROUTES


def labels(method: str, route: str, status: str) -> tuple[str, str, str]:
    """The method, route and status as labels from closed sets: anything else is "other" or "(unmatched)"."""
    return (
        method if method in METHODS else OTHER,
        route if route in _ROUTES or _known(route) else UNMATCHED,
        status if status in STATUSES else OTHER,
    )


def method_label(method: str) -> str:
    """The method if it is a known one, else "other" (for logs too: a made-up method is client text)."""
    return method if method in METHODS else OTHER


_SERIES: dict[tuple[str, str, str], tuple[Any, Any]] = {}  # bounded: keyed by labels from closed sets
_failed: list[str] = []  # the storage error that stopped this process's metrics, once there is one


def _fail(error: Exception) -> None:
    """Stop recording in this process and say so in one line: metrics never fail a request."""
    _failed.append(errno.errorcode.get(getattr(error, "errno", None) or 0, type(error).__name__))
    log.warning(
        "metrics storage failed, this process stops recording metrics; requests are unaffected",
        extra={"fields": {"error": _failed[0], "folder": os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")}},
    )


def observe(method: str, route: str, status: str, seconds: float) -> None:
    """Count one answer and its latency (called by service/web/telemetry.py for every request)."""
    if _failed:
        return
    key = labels(method, route, status)
    try:
        series = _SERIES.get(key)
        if series is None:
            series = _SERIES[key] = (REQUESTS.labels(*key), LATENCY.labels(*key[:2]))
        series[0].inc()
        series[1].observe(seconds)
    except Exception as e:  # noqa: BLE001 - a full or broken metrics folder must stay out of the request
        _fail(e)


def init_metrics(app: Flask, content_version: str) -> None:
    """Serve GET /metrics (text exposition format, not part of the JSON API)."""
    _MAPS.append(app.url_map)
    try:
        CONTENT.labels(content_version).set(1)
    except Exception as e:  # noqa: BLE001 - as in observe: startup goes on without metrics
        _fail(e)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(
            generate_latest(registry()), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
        )
