"""Where a live worker's time goes under wrk load, sampled with py-spy: `python -m tests.bench.spy [--py-spy BIN]`.

Starts the service (production gunicorn config, loopback, rate limiting as make bench runs it) and, for each hot path (content GET,
conditional GET answered 304, POST), runs wrk -t1 -c32 while py-spy samples one worker; prints the share of samples
in gunicorn itself (accept, parse, write, close) and in each part of the app, with an estimate in microseconds per
request from the server CPU time measured over the same run. Not part of `make bench` (needs py-spy, which is not a
project dependency: `python3 -m venv /tmp/py-spy && /tmp/py-spy/bin/pip install py-spy`).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path

from service.api.examples import REQUEST_EXAMPLES
from tests.bench.run import Bench, Case, request, run_wrk

# (label, pattern on one frame "function (file:line)"): inclusive share of samples whose stack has a matching frame.
MARKERS = [
    ("app: Flask.__call__ (everything below)", r"^Flask\.__call__ "),
    ("  edge: telemetry (request id, access line, metrics, and all below)", r"^Telemetry\.__call__ "),
    ("    access line (logging)", r"^log_access "),
    ("      stdout write + flush", r"^StreamHandler\.(flush|emit) "),
    ("    metrics (prometheus)", r"^observe \(service/api/metrics\.py"),
    ("    fast lane: replay", r"^FastLane\.replay "),
    ("    fast lane: POST", r"^FastLane\.compute "),
    ("      rate limit count", r"^RateLimits\.count "),
    ("  request context push", r"^RequestContext\.push "),
    ("  request context pop / teardown", r"^RequestContext\.pop "),
    ("  URL matching", r"^MapAdapter\.match "),
    ("  before_request hooks", r"^Flask\.preprocess_request "),
    ("    take_request_id", r"take_request_id "),
    ("    require_api_key", r"require_api_key "),
    ("    require_json", r"require_json "),
    ("    count_request (rate limit)", r"count_request "),
    ("  view: flask-smorest wrappers + view", r"^View\.as_view\.<locals>\.view "),
    ("    webargs argument parsing", r"^Parser\.parse \(webargs"),
    ("      schema instantiation", r"^Schema\.__init__ \(marshmallow"),
    ("    marshmallow dump", r"^Schema\.dump \(marshmallow"),
    ("    engine recommend()", r"^recommend \(service/engine/recommend\.py"),
    ("    engine check_report()", r"^check_report \(service/engine"),
    ("    Accept-Language negotiation", r"^Catalog\.language "),
    ("    Catalog.respond (304 check, Response)", r"^Catalog\.respond "),
    ("    orjson.dumps", r"orjson"),
    ("  after_request hooks", r"^Flask\.process_response "),
    ("    stamp (X-Content-Version)", r"stamp \(service/api/http\.py"),
    ("    cors_after_request", r"cors_after_request "),
    ("    security_headers", r"security_headers "),
    ("  Response.__call__ (WSGI headers)", r"^Response\.__call__ "),
    ("gunicorn: outside the app", None),
]
# Outside the app, a sample is put under the first of these its innermost frame matches.
OUTSIDE = [
    ("  accept()", r"accept"),
    ("  read + parse request", r"\(gunicorn/http/|recv"),
    ("  write response (sendall)", r"sendall|send|write"),
    ("  close connection", r"close|shutdown"),
    ("  wait in select() / heartbeat", r"select|wait|notify|utime"),
]


def samples(raw: Path) -> list[tuple[list[str], int]]:
    out = []
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out.append((stack.split(";"), int(count)))
    return out


def shares(stacks: list[tuple[list[str], int]]) -> tuple[dict[str, float], Counter]:
    """Share of samples per marker, and the innermost frames of the samples outside the app."""
    total = sum(n for _, n in stacks) or 1
    result = {}
    outside = [(frames, n) for frames, n in stacks if not any(f.startswith("Flask.__call__ ") for f in frames)]
    for label, pattern in MARKERS:
        if pattern is None:
            hit = sum(n for _, n in outside)
        else:
            regex = re.compile(pattern)
            hit = sum(n for frames, n in stacks if any(regex.search(f) for f in frames))
        result[label] = hit / total
    leaves: Counter = Counter()
    for label, _ in OUTSIDE:
        result[label] = 0.0
    result["  other"] = 0.0
    for frames, n in outside:
        leaf = frames[-1]
        leaves[re.sub(r":\d+\)$", ")", leaf)] += n
        label = next((lb for lb, pattern in OUTSIDE if re.search(pattern, leaf)), "  other")
        result[label] += n / total
    return result, leaves


def spy(binary: str, pid: int, seconds: int, out: Path) -> None:
    subprocess.run(
        [binary, "record", "-p", str(pid), "-d", str(seconds), "-r", "400", "--format", "raw", "-o", str(out)],
        capture_output=True,
        check=True,
        timeout=seconds + 30,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "/tmp/py-spy/bin/py-spy")
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()
    if not Path(args.py_spy).exists():
        raise SystemExit(f"py-spy not found at {args.py_spy}; see this module's docstring")

    work = Path(tempfile.mkdtemp(prefix="sciatica-spy-"))
    bench = Bench(work)
    try:
        svc = bench.gunicorn("service", "service:create_app()", {"WEB_CONCURRENCY": "2"})
        etag = request(svc.port, "GET", "/v1/treatments")[1]["etag"]
        body = work / "post.json"
        body.write_text(json.dumps(REQUEST_EXAMPLES["acute-uncomplicated"]["value"]))
        cases = [
            Case("GET /v1/treatments", svc, "/v1/treatments"),
            Case("GET /v1/treatments/staying-active", svc, "/v1/treatments/staying-active"),
            Case("GET /v1/treatments If-None-Match (304)", svc, "/v1/treatments", headers={"If-None-Match": etag}),
            Case("POST /v1/recommendations", svc, "/v1/recommendations", "POST", body_file=body),
        ]
        worker = svc.workers()[0]
        table: dict[str, dict[str, float]] = {}
        cpu: dict[str, float] = {}
        for case in cases:
            raw = work / f"{len(table)}.raw"
            # py-spy starts a second into the wrk run and stops a second before its end
            timer = threading.Timer(1.0, spy, (args.py_spy, worker, args.duration - 2, raw))
            timer.start()
            result = run_wrk(case, args.duration, 32)
            timer.join()
            table[case.label], leaves = shares(samples(raw))
            top_leaves = ", ".join(f"{leaf} {n}" for leaf, n in leaves.most_common(4))
            cpu[case.label] = result["server_cpu_us_per_req"] or 0
            print(f"{case.label}: {result['rps']:.0f} req/s, server CPU {cpu[case.label]:.0f} us/request", flush=True)
            print(f"  innermost frames outside the app (samples): {top_leaves}")
        labels = list(table)
        print("\nshare of py-spy samples of one busy worker, and us/request (share x server CPU us/request)")
        print(f"{'':<44}" + "".join(f"{label[:28]:>30}" for label in labels))
        for marker in [m for m, _ in MARKERS] + [m for m, _ in OUTSIDE] + ["  other"]:
            cells = "".join(
                f"{table[label][marker]:>14.1%} {table[label][marker] * cpu[label]:>7.0f} us    " for label in labels
            )
            print(f"{marker:<44}{cells}")
        print("\n(shares overlap: indented rows are inside the row above; a worker idle in select is not sampled)")
    finally:
        bench.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
