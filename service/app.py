"""The application factory: config -> knowledge -> Api -> blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.api import register_blueprints
from service.config import Config, from_environment
from service.knowledge import load_knowledge
from service.openapi import SPEC_OPTIONS
from service.web.catalog import Catalog
from service.web.edge import init_edge
from service.web.http import init_http
from service.web.limits import RateLimits, init_limits
from service.web.logs import init_logs
from service.web.metrics import init_metrics
from service.web.problems import ProblemApi
from service.web.security import ApiKeys, init_security


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; a defect in the knowledge files raises KnowledgeError here, before serving.

    The WSGI edge (proxies, telemetry, fast lane) goes on last: the fast lane replays the finished app's answers.
    """
    app = Flask(__name__, static_url_path="/docs/static")
    app.config.from_object(Config)
    app.config.update(from_environment())
    app.config.update(test_config or {})
    app.config["API_SPEC_OPTIONS"] = SPEC_OPTIONS

    kb = load_knowledge(app.config["KNOWLEDGE_DIR"])
    catalog = Catalog(kb, app.config["CACHE_MAX_AGE"])
    app.extensions["catalog"] = catalog

    keys = ApiKeys.from_config(app.config)
    limits = RateLimits.from_config(app.config, keys)

    init_http(app, kb.content_version)
    init_security(app, keys)
    init_limits(app, limits)
    init_logs(app.config["LOG_LEVEL"])
    init_metrics(app, kb.content_version)
    api = ProblemApi(app)
    register_blueprints(app, api, catalog)
    init_edge(app, catalog, keys, limits)
    return app
