"""The Python-service baseline (performance.md case C, and G for 304): a bare Flask app returning fixed bytes.

tests/bench/run.py fetches each measured endpoint from the running service, writes the bytes and a route list to a
folder, and starts this app with the service's own gunicorn config (same workers, threads, keep-alive):

    BENCH_BASELINE_SPEC=<folder>/routes.json gunicorn --config python:service.gunicorn_conf \
        'tests.bench.baseline_app:create_app()'

Each route answers its method with the same body and Content-Type as the service, nothing else (no hooks, no
extensions). A GET carrying If-None-Match with the route's precomputed ETag is answered 304 with that ETag.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, request


def view(body: bytes, content_type: str, etag: str | None) -> Any:
    def answer() -> Response:
        if etag and request.headers.get("If-None-Match") and request.if_none_match.contains(etag.strip('"')):
            return Response(status=304, headers={"ETag": etag})
        if request.method == "POST":
            request.get_data()  # read the body, as the service does
        return Response(body, content_type=content_type)

    return answer


def create_app(spec: str | None = None) -> Flask:
    """One view per route in the spec file (BENCH_BASELINE_SPEC): {"routes": [{path, method, body_file, ...}]}."""
    spec_path = Path(spec or os.environ["BENCH_BASELINE_SPEC"])
    routes = json.loads(spec_path.read_text())["routes"]
    app = Flask(__name__)
    for i, route in enumerate(routes):
        body = (spec_path.parent / route["body_file"]).read_bytes()
        app.add_url_rule(
            route["path"],
            endpoint=f"route{i}",
            view_func=view(body, route["content_type"], route.get("etag")),
            methods=[route["method"]],
        )
    return app
