"""Sciatica relief service: an evidence-graded sciatica API for health platforms.

Serves treatment options, self-care tips, red flags and evidence levels as JSON, and recommends options for
what a person reports. Layers: api -> schemas, engine, knowledge; knowledge -> engine models; engine -> stdlib.
"""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so `gunicorn --config python:service.gunicorn_conf` can set PROMETHEUS_MULTIPROC_DIR before the
    # app (and prometheus_client) is imported.
    if name == "create_app":
        from service.app import create_app

        return create_app
    raise AttributeError(name)
