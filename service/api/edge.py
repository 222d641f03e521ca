"""The WSGI edge around Flask, outermost first: trusted proxies, telemetry, then the fast lane."""

from __future__ import annotations

from functools import partial

import orjson
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api import recommendations
from service.api.catalog import Catalog
from service.api.examples import REQUEST_EXAMPLES
from service.api.fastlane import Compute, Edge, FastLane
from service.api.limits import RateLimits
from service.api.security import ApiKeys
from service.api.telemetry import Telemetry


def init_edge(app: Flask, catalog: Catalog, keys: ApiKeys, limits: RateLimits) -> None:
    """Wrap the finished app: the fast lane records the answers of the whole app, so this is the factory's last step."""
    inner = app.wsgi_app
    if app.config["FAST_LANE"]:
        example = orjson.dumps(next(iter(REQUEST_EXAMPLES.values()))["value"])
        posts: dict[str, tuple[Compute, bytes]] = {
            recommendations.blp.url_prefix: (partial(recommendations.answer_plain, catalog), example)
        }
        edge = Edge(keys, limits, len(catalog.kb.languages), int(app.config["MAX_CONTENT_LENGTH"]))
        inner = FastLane(inner, catalog.paths, posts, edge)
    app.wsgi_app = Telemetry(inner)  # type: ignore[method-assign]
    hops = int(app.config["PROXY_HOPS"])
    if hops:  # only behind proxies we run: otherwise X-Forwarded-* say whatever the client says
        # Host and port too: absolute links in cards and FHIR bundles name the address the client called.
        trusted = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        app.wsgi_app = trusted  # type: ignore[method-assign]
