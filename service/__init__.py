"""Sciatica relief service: an evidence-graded sciatica API for health platforms.

Serves treatment options, self-care tips, red flags and evidence levels as JSON, and recommends options for
what a person reports. Layers: api -> schemas, engine, knowledge; knowledge -> engine models; engine -> stdlib.
"""

from service.app import create_app

__all__ = ["create_app"]
