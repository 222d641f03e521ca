"""The application factory: config -> knowledge -> state -> web hooks -> Api -> blueprints -> WSGI edge."""

from __future__ import annotations

from functools import partial
from typing import Any

import orjson
from flask import Flask

from service.api import build_state, register_blueprints
from service.api.ehr import cds_hooks
from service.api.examples import REQUEST_EXAMPLES
from service.api.recommendations import answer_plain
from service.api.recommendations import blp as recommendations
from service.config import Config, from_environment
from service.knowledge import load_knowledge
from service.openapi import SPEC_OPTIONS
from service.web import init_web
from service.web.admission import Admission
from service.web.edge import init_edge
from service.web.fastlane import Compute
from service.web.limits import RateLimits
from service.web.problems import ProblemApi
from service.web.security import ApiKeys


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; a defect in the knowledge files (or a code map, or the JWT settings) raises here, before serving.

    The WSGI edge (proxies, telemetry, fast lane) goes on last: the fast lane replays the finished app's answers.
    """
    app = Flask(__name__, static_url_path="/docs/static")
    app.config.from_object(Config)
    app.config.update(from_environment())
    app.config.update(test_config or {})
    app.config["API_SPEC_OPTIONS"] = SPEC_OPTIONS

    kb = load_knowledge(app.config["KNOWLEDGE_DIR"])
    keys = ApiKeys.from_config(app.config)
    limits = RateLimits.from_config(app.config, keys)
    built = build_state(app.config, kb, keys, limits)

    admission = Admission(keys, limits)
    init_web(app, kb.content_version, admission)
    register_blueprints(app, ProblemApi(app), built)
    example = orjson.dumps(next(iter(REQUEST_EXAMPLES.values()))["value"])
    lane_posts: dict[str, tuple[Compute, bytes]] = {
        recommendations.url_prefix: (partial(answer_plain, built.engine, built.presenter), example)
    }  # computed by the lane
    init_edge(app, built.catalog, admission, lane_posts, large_bodies=cds_hooks.blp.url_prefix)
    return app
