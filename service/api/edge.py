"""The WSGI edge around Flask, outermost first: trusted proxies, telemetry, then the fast lane."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api.catalog import Catalog
from service.api.fastlane import FastLane
from service.api.limits import RateLimits
from service.api.security import ApiKeys
from service.api.telemetry import Telemetry


def init_edge(app: Flask, catalog: Catalog, keys: ApiKeys, limits: RateLimits) -> None:
    """Wrap the finished app; the fast lane records Flask's answers now, so this is the last step of the factory."""
    inner = app.wsgi_app
    if app.config["FAST_LANE"]:
        inner = FastLane(inner, catalog.paths, keys, limits, len(catalog.kb.languages))
    app.wsgi_app = Telemetry(inner)  # type: ignore[method-assign]
    hops = int(app.config["PROXY_HOPS"])
    if hops:  # only behind proxies we run: otherwise X-Forwarded-For is whatever the client says
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
