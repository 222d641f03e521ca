"""Where a request's time goes, in-process (no server, no network): `python -m tests.bench.hotpaths [--case NAME]`.

For each hot path (content GET, single item GET, conditional GET answered 304, POST /v1/recommendations):
  - the cost per request (fastest of several rounds) through the app's WSGI stack (edge, fast lane, Flask), and with
    the fast lane off (everything through Flask, flask-smorest, hooks, extensions);
  - ablation (fast lane off): the same with one Flask hook removed at a time; and with the rate limiter on (with a
    limit too high to trip): what each costs, measured without a profiler;
  - the same bytes from the bare Flask baseline app and from a raw WSGI callable, for scale;
  - cProfile: time by component (cumulative, scaled to the unprofiled cost) and the top functions by own time.
Timings are noisy: compare figures taken in one run. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bench-profile-metrics-")
)  # as under gunicorn

from werkzeug.test import EnvironBuilder  # noqa: E402

from service.api.examples import REQUEST_EXAMPLES  # noqa: E402

POST_BODY = json.dumps(REQUEST_EXAMPLES["acute-uncomplicated"]["value"]).encode()

# (label, file path fragment, function name): components whose cumulative time is reported.
COMPONENTS = [
    ("URL matching", "werkzeug/routing/map.py", "match"),
    ("request context push", "flask/ctx.py", "push"),
    ("request context pop (teardown)", "flask/ctx.py", "pop"),
    ("webargs/flask-smorest argument parsing", "webargs/core.py", "parse"),
    ("marshmallow dump (response)", "marshmallow/schema.py", "dump"),
    ("engine check_report", "service/engine/factors.py", "check_report"),
    ("engine recommend", "service/engine/engine.py", "recommend"),
    ("orjson.dumps", "~", "<built-in method orjson.dumps>"),
    ("Accept-Language negotiation", "service/web/catalog.py", "language"),
    ("If-None-Match parse", "werkzeug/sansio/request.py", "if_none_match"),
    ("Catalog.respond (headers, 304 check, Response)", "service/web/catalog.py", "respond"),
    ("hook admit (request id, route, admission)", "service/web/http.py", "admit"),
    ("admission (refused body, rate limit, API key)", "service/web/admission.py", "check"),
    ("hook require_json", "service/api/recommendations.py", "require_json"),
    ("hook finish (rate counts, security headers, version)", "service/web/http.py", "finish"),
    ("hook cors_after_request", "flask_cors/extension.py", "cors_after_request"),
    ("edge: telemetry (request id, access line, metrics)", "service/web/telemetry.py", "__call__"),
    ("edge: access line (logging + orjson)", "service/web/logs.py", "log_access"),
    ("edge: metrics (prometheus, mmap files)", "service/web/metrics.py", "observe"),
    ("edge: fast lane replay", "service/web/fastlane.py", "replay"),
    ("edge: fast lane POST", "service/web/fastlane.py", "compute"),
    ("rate limit count (limits, memory storage)", "service/web/limits.py", "count"),
    ("response.__call__ / get_wsgi_headers", "werkzeug/wrappers/response.py", "__call__"),
]


def quiet_app(test_config: dict[str, Any] | None = None) -> Any:
    """The service app, its stdout logs sent to /dev/null (the handler is bound at creation)."""
    from service import create_app

    real, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115
    try:
        return create_app({"RATE_LIMIT_ENABLED": 0} | (test_config or {}))
    finally:
        sys.stdout = real


def environ(path: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None):
    """A factory of fresh WSGI environs for one request (built once; only the body stream is renewed)."""
    builder = EnvironBuilder(
        path=path,
        method=method,
        headers=headers or {},
        data=body,
        content_type="application/json" if body is not None else None,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    template = builder.get_environ()

    def make() -> dict[str, Any]:
        env = dict(template)
        env["wsgi.input"] = io.BytesIO(body or b"")
        return env

    return make


def call(app: Callable, make_env: Callable[[], dict]) -> str:
    status: list[str] = []

    def start_response(s: str, headers: list, exc_info: Any = None) -> None:
        status.append(s)

    chunks = app(make_env(), start_response)
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return status[0]


def per_request_us(app: Callable, make_env: Callable[[], dict], calls: int, rounds: int = 7) -> float:
    """Fastest round's mean CPU time per request (process time and the minimum: steadiest on a shared box)."""
    for _ in range(max(5, calls // 10)):
        call(app, make_env)
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            call(app, make_env)
        samples.append((time.process_time() - start) / calls * 1e6)
    return min(samples)


def hooks(app: Any, make_env: Callable[[], dict]) -> Iterable[tuple[str, list, Callable]]:
    """The request hooks that run for this request (app-wide and its blueprint's), as (label, their list, hook)."""
    adapter = app.url_map.bind_to_environ(make_env())
    endpoint, _ = adapter.match()
    scopes = {None, endpoint.rsplit(".", 1)[0] if "." in endpoint else None}
    for kind, table in (("before", app.before_request_funcs), ("after", app.after_request_funcs)):
        for scope, funcs in table.items():
            if scope in scopes:
                for func in list(funcs):
                    yield f"{kind}_request {func.__name__}" + (f" [{scope}]" if scope else ""), funcs, func


def ablation(app: Any, make_env: Callable[[], dict], calls: int, pairs: int = 5) -> list[tuple[str, float]]:
    """Cost of each hook: the request with it minus without it, timed alternately (min of `pairs` each)."""
    out = []
    for label, funcs, func in hooks(app, make_env):
        index = funcs.index(func)
        with_it, without = [], []
        for _ in range(pairs):
            with_it.append(per_request_us(app.wsgi_app, make_env, calls, rounds=2))
            funcs.remove(func)
            try:
                without.append(per_request_us(app.wsgi_app, make_env, calls, rounds=2))
            finally:
                funcs.insert(index, func)
        out.append((label, min(with_it) - min(without)))
    return out


def profile(app: Callable, make_env: Callable[[], dict], calls: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call(app, make_env)
    profiler.disable()
    return pstats.Stats(profiler)


def components(stats: pstats.Stats, scale_us: float) -> list[tuple[str, float, float]]:
    """(label, share of the profiled time, estimated us per request at the unprofiled cost)."""
    table = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in table.values())  # the outermost call
    out = []
    for label, fragment, name in COMPONENTS:
        ct = sum(
            value[3]
            for (file, _, func), value in table.items()
            if (fragment in file or fragment == "~") and (func == name or func.endswith(name))
        )
        if ct:
            out.append((label, ct / total, ct / total * scale_us))
    return out


def top(stats: pstats.Stats, n: int) -> str:
    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(n)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    root = str(Path(sys.prefix))
    return "\n".join(line.replace(root + "/lib/python3.11/site-packages/", "") for line in lines[start:] if line)


def bare_apps(app: Any, cases: dict[str, dict[str, Any]]) -> tuple[Callable, Callable]:
    """The bench's bare Flask baseline and a raw WSGI callable, answering the same bytes as the service."""
    from tests.bench.baseline_app import create_app as baseline

    folder = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    routes, raw_routes = [], {}
    client = app.test_client()
    for i, case in enumerate(cases.values()):
        if case["expect"] == "304":
            continue
        body = case.get("body")
        response = client.open(
            case["path"], method=case["method"], data=body, content_type="application/json" if body else None
        )
        assert response.status_code == 200, (case["path"], response.status)
        (folder / f"{i}.json").write_bytes(response.data)
        routes.append(
            {
                "path": case["path"],
                "method": case["method"],
                "body_file": f"{i}.json",
                "content_type": response.content_type,
                "etag": response.headers.get("ETag"),
            }
        )
        raw_routes[case["path"]] = (response.data, response.content_type)
    (folder / "routes.json").write_text(json.dumps({"routes": routes}))
    flask_app = baseline(str(folder / "routes.json"))

    def raw(env: dict, start_response: Callable) -> list[bytes]:
        body, ctype = raw_routes[env["PATH_INFO"]]
        if env.get("HTTP_IF_NONE_MATCH"):
            start_response("304 Not Modified", [])
            return []
        start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]

    return flask_app.wsgi_app, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=["get", "item", "304", "post", "all"], default="all")
    parser.add_argument("--calls", type=int, default=200, help="requests per timing round (POST: a third)")
    parser.add_argument("--top", type=int, default=18, help="functions listed by own time")
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args()

    app = quiet_app()
    limited = quiet_app({"RATE_LIMIT_ENABLED": 1, "RATE_LIMIT": "100000000 per minute"})
    through_flask = quiet_app({"FAST_LANE": 0})
    etag = app.test_client().get("/v1/treatments").headers["ETag"]
    cases: dict[str, dict[str, Any]] = {
        "get": {"path": "/v1/treatments", "method": "GET", "expect": "200"},
        "item": {"path": "/v1/treatments/staying-active", "method": "GET", "expect": "200"},
        "304": {"path": "/v1/treatments", "method": "GET", "expect": "304", "headers": {"If-None-Match": etag}},
        "post": {"path": "/v1/recommendations", "method": "POST", "expect": "200", "body": POST_BODY},
    }
    for case in cases.values():
        case["env"] = environ(case["path"], case["method"], case.get("headers"), case.get("body"))
    flask_app, raw = bare_apps(app, cases)

    for name in cases if args.case == "all" else [args.case]:
        case = cases[name]
        calls = args.calls // 3 if name == "post" else args.calls
        status = call(app.wsgi_app, case["env"])
        assert status.startswith(case["expect"]), (name, status)
        full = per_request_us(app.wsgi_app, case["env"], calls)
        with_limiter = per_request_us(limited.wsgi_app, case["env"], calls)
        flask_only = per_request_us(through_flask.wsgi_app, case["env"], calls)
        bare = per_request_us(flask_app, case["env"], calls)
        rawus = per_request_us(raw, case["env"], calls)
        title = f"{case['method']} {case['path']}" + (" If-None-Match (304)" if name == "304" else "")
        print(f"\n=== {title}: {full:.0f} us per request in-process (the app's WSGI stack, no server)")
        print(f"  with the fast lane off (SCIATICA_FAST_LANE=0, all through Flask): {flask_only:.0f} us")
        print(
            f"  bare Flask, same bytes: {bare:.0f} us; raw WSGI callable: {rawus:.0f} us; "
            f"service - bare Flask = {full - bare:.0f} us"
        )
        print(f"  rate limiter on (the default host:// store, limit never reached): +{with_limiter - full:.0f} us")
        if not args.no_ablation:
            print("  ablation, fast lane off: us saved per request by removing one Flask hook (unprofiled):")
            for label, saved in ablation(through_flask, case["env"], calls // 2):
                print(f"    {saved:>7.0f}  {label}")
        stats = profile(app.wsgi_app, case["env"], calls)
        print("  cProfile by component (cumulative; overlapping; scaled to the unprofiled cost):")
        for label, share, est in components(stats, full):
            print(f"    {est:>7.0f} us {share:>6.1%}  {label}")
        print(f"  top {args.top} functions by own time (cProfile):")
        print("\n".join("    " + line for line in top(stats, args.top).splitlines()))


if __name__ == "__main__":
    main()
