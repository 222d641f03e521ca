"""Faults on loopback, all bounded: a killed worker, a graceful shutdown, slow clients behind nginx."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from service.api.examples import REQUEST_EXAMPLES
from tests.live.conftest import wait_workers

POST_LUA = Path(__file__).parents[1] / "bench" / "post.lua"


def get(url: str, timeout: float = 10, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, dict(r.headers), r.read()


def wrk(url: str, seconds: int, connections: int = 16, body: Path | None = None) -> dict[str, int]:
    script = ["-s", str(POST_LUA)] if body else []
    out = subprocess.run(
        [shutil.which("wrk") or "wrk", *script, "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        env=os.environ | ({"BENCH_POST_BODY": str(body)} if body else {}),
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"total": total, "errors": errors + (int(non2xx.group(1)) if non2xx else 0), "output": out}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_killed_worker_is_replaced_and_errors_stay_under_a_thousandth(gunicorn, tmp_path, method):
    base, master = gunicorn()
    before = wait_workers(master.pid, 2)
    assert len(before) == 2
    body = None
    if method == "POST":
        body = tmp_path / "post.json"
        body.write_text(json.dumps(REQUEST_EXAMPLES["acute-uncomplicated"]["value"]))
    threading.Timer(2.0, lambda: os.kill(before[0], signal.SIGKILL)).start()
    result = wrk(base + ("/v1/recommendations" if body else "/v1/tips"), seconds=6, body=body)
    after = wait_workers(master.pid, 2)
    assert len(after) == 2 and before[0] not in after, "the master replaces the killed worker"
    assert result["total"] > 1000, result["output"]
    assert result["errors"] / result["total"] < 0.001, result["output"]


def test_sigterm_lets_requests_in_flight_finish(gunicorn):
    base, master = gunicorn("tests.live.slow_app:create_app()")
    results: list[int] = []

    def slow():
        results.append(get(base + "/_test/sleep?s=2", timeout=15)[0])

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    master.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(15)
    assert results == [200, 200]
    assert master.wait(25) == 0


def test_proxy_caches_content_revalidates_and_passes_advice_uncached(gunicorn, nginx):
    base, _ = gunicorn()
    proxy = nginx(base)
    _, first, body = get(proxy + "/v1/treatments")
    _, second, cached = get(proxy + "/v1/treatments")
    assert cached == body and second["X-Cache-Status"] == "HIT"
    try:
        get(proxy + "/v1/treatments", headers={"If-None-Match": first["ETag"]})
        raise AssertionError("expected 304")
    except urllib.error.HTTPError as e:
        assert e.code == 304
    req = urllib.request.Request(
        proxy + "/v1/recommendations",
        data=b'{"age": 40}',
        method="POST",
        headers={"Content-Type": "application/json", "X-Request-ID": "trace-12345678"},
    )
    for _ in range(2):
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
            assert r.headers.get("X-Cache-Status", "") in ("", "BYPASS", "MISS")
            assert r.headers["X-Request-ID"] == "trace-12345678"


def test_slow_clients_do_not_starve_the_service_behind_nginx(gunicorn, nginx):
    base, _ = gunicorn()
    proxy = nginx(base)
    host, port = proxy.removeprefix("http://").split(":")
    slow = []
    for _ in range(32):  # each sends a header line a second and never finishes its request
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /v1/tips HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    try:
        latencies = []
        for i in range(10):
            for s in slow:
                s.sendall(f"X-Slow-{i}: 1\r\n".encode())
            start = time.monotonic()
            assert get(proxy + "/v1/red-flags", timeout=3)[0] == 200
            latencies.append(time.monotonic() - start)
            time.sleep(0.4)
        assert max(latencies) < 1.0, latencies
    finally:
        for s in slow:
            s.close()


def test_metrics_add_up_across_workers(gunicorn):
    base, master = gunicorn()
    assert len(wait_workers(master.pid, 2)) == 2
    for _ in range(40):
        get(base + "/v1/condition")
    text = get(base + "/metrics")[2].decode()
    found = re.search(r'sciatica_http_requests_total\{method="GET",route="/v1/condition",status="200"\} (\S+)', text)
    assert found and float(found.group(1)) == 40.0, text[-2000:]


def test_a_bad_content_file_stops_startup_with_a_clear_message(tmp_path):
    import os
    import subprocess
    import sys

    from service.knowledge.loader import default_root
    from tests.live.conftest import ROOT, free_port

    data = tmp_path / "data"
    shutil.copytree(str(default_root()), data)
    tips = data / "tips.yaml"
    tips.write_text(tips.read_text().replace("certainty: low", "certainty: sure", 1))
    env = os.environ | {
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "PYTHONPATH": str(ROOT),
        "SCIATICA_KNOWLEDGE_DIR": str(data),
    }
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf", "service:create_app()"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "KnowledgeError: tips.yaml: record" in done.stdout + done.stderr
    assert "evidence.certainty" in done.stdout + done.stderr
