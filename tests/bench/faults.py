"""Faults under load, measured (not asserted): a worker SIGKILLed mid-load (GETs, then POSTs) and worker RSS over a
soak of mixed traffic, against gunicorn with the production config on loopback.

Usage: python -m tests.bench.faults [--kill-seconds S] [--soak-seconds S] [--out FILE]
Prints a table and writes JSON (default bench-results/faults.json). The pass/fail gates are the live tests
(tests/live/test_faults.py, run by .ci/run); this records the numbers for the issue notes and README.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from service.api.examples import REQUEST_EXAMPLES
from tests.loopback import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
POST_LUA = Path(__file__).resolve().parent / "post.lua"
GETS = ["/v1/treatments", "/v1/tips", "/v1/red-flags", "/v1/treatments/staying-active"]
POST = "/v1/recommendations"


def start(work: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn, production config, 2 workers, rate limits on with a limit no run reaches."""
    port = free_port()
    env = os.environ | {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
        "WEB_CONCURRENCY": "2",
        "SCIATICA_RATE_LIMIT_ENABLED": "1",
        "SCIATICA_RATE_LIMIT": "1000000000 per minute",
        "LOG_LEVEL": "warning",
    }
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - handed to the child process
    command = [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf", "service:create_app()"]
    proc = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/health/ready", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    while len(workers(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc, base


def workers(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url: str, seconds: int, body: Path | None = None, connections: int = 16) -> dict[str, int]:
    command = [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    env = os.environ.copy()
    if body:
        command[1:1] = ["-s", str(POST_LUA)]
        env["BENCH_POST_BODY"] = str(body)
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=env).stdout
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "socket_errors": socket_errors,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def killed_under_load(base: str, master: int, url: str, seconds: int, body: Path | None) -> dict[str, Any]:
    before = workers(master)
    threading.Timer(seconds / 3, lambda: os.kill(before[0], signal.SIGKILL)).start()
    result = wrk(base + url, seconds, body)
    time.sleep(2)
    after = workers(master)
    return result | {"replaced": len(after) == 2 and before[0] not in after}


def soak(base: str, master: int, seconds: int, body: Path) -> dict[str, Any]:
    """Rounds of 30 s: the content GETs, then the POST; each worker's RSS after every round."""
    samples: list[list[float]] = [[rss_mb(p) for p in workers(master)]]
    total = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for url in GETS:
            r = wrk(base + url, 3)
            total, errors = total + r["requests"], errors + r["socket_errors"] + r["non_2xx"]
        r = wrk(base + POST, 18, body)
        total, errors = total + r["requests"], errors + r["socket_errors"] + r["non_2xx"]
        samples.append([rss_mb(p) for p in workers(master)])
    return {"requests": total, "errors": errors, "rss_mb": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill-seconds", type=int, default=15)
    parser.add_argument("--soak-seconds", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "faults.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sciatica-faults-"))
    body = work / "post.json"
    body.write_bytes(json.dumps(REQUEST_EXAMPLES["acute-uncomplicated"]["value"]).encode())
    proc, base = start(work)
    try:
        results = {
            "sigkill_get": killed_under_load(base, proc.pid, "/v1/tips", args.kill_seconds, None),
            "sigkill_post": killed_under_load(base, proc.pid, POST, args.kill_seconds, body),
            "soak": soak(base, proc.pid, args.soak_seconds, body),
        }
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    for name in ("sigkill_get", "sigkill_post"):
        r = results[name]
        print(
            f"{name}: {r['requests']} requests, {r['socket_errors']} socket errors, {r['non_2xx']} non-2xx, "
            f"worker replaced: {r['replaced']}"
        )
    s = results["soak"]
    first, last = s["rss_mb"][0], s["rss_mb"][-1]
    peak = max(max(sample) for sample in s["rss_mb"])
    print(
        f"soak {args.soak_seconds} s: {s['requests']} requests, {s['errors']} errors; worker RSS MB "
        f"start {[round(x, 1) for x in first]}, end {[round(x, 1) for x in last]}, peak {peak:.1f}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
