"""Metrics and gunicorn's logs under abuse and fault, on loopback: random methods, a full or read-only metrics
folder, an operator's folder, invalid request lines and failing requests carrying personal data."""

import http.client
import os
import random
import re
import socket
import string
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.live.conftest import wait_workers

SECRETS = ("Jane", "Doe", "1980-01-01")
QUERY = "?name=Jane+Doe&dob=1980-01-01"


def status(url: str, method: str = "GET") -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def series(base: str) -> int:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        return sum(1 for line in r.read().decode().splitlines() if line and not line.startswith("#"))


def logs(tmp_path: Path) -> str:
    time.sleep(0.3)  # the workers' last lines
    return "".join(p.read_text() for p in tmp_path.glob("gunicorn-*.log"))


def test_two_thousand_random_methods_add_no_series(gunicorn, capsys):
    base, _ = gunicorn()
    host, port = base.removeprefix("http://").split(":")
    for path in ("/v1/tips", "/v1/nowhere"):
        status(base + path)
        status(base + path, "FROB")
    series(base)  # the scrape's own series
    before = series(base)
    rng = random.Random(14)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    for _ in range(2000):
        conn.request("".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 12))), "/v1/tips")
        conn.getresponse().read()
    conn.close()
    after = series(base)
    with capsys.disabled():
        print(f"\nlive metric series before 2,000 random methods: {before}, after: {after}")
    assert after == before


@pytest.fixture()
def tiny_tmpfs(tmp_path):
    """Mount a small tmpfs (root only); yields a function (size, read_only) -> mount point."""
    mounts = []

    def mount(size: str, read_only: bool = False) -> Path:
        point = tmp_path / f"tmpfs-{len(mounts)}"
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounts.append(point)
        return point

    yield mount
    for point in reversed(mounts):
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> None:
    """Write zeros into `folder` until its filesystem has no room left."""
    with open(folder / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    os.sync()


def test_a_metrics_folder_full_or_read_only_at_start_degrades_metrics_not_requests(gunicorn, tiny_tmpfs, tmp_path):
    full = tiny_tmpfs("256k")
    fill(full)
    for folder in (full, tiny_tmpfs("256k", read_only=True)):
        base, master = gunicorn(PROMETHEUS_MULTIPROC_DIR=str(folder))
        workers = wait_workers(master.pid, 2)
        assert [status(base + p) for p in ("/health/ready", "/v1/tips", "/v1/red-flags", "/metrics")] == [200] * 4
        assert "sciatica_http_requests_total" in urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
        assert wait_workers(master.pid, 2) == workers and master.poll() is None
    assert len(re.findall(r"metrics folder unusable \((ENOSPC|EROFS)\)", logs(tmp_path))) == 2


def test_a_metrics_folder_that_fills_while_serving_degrades_metrics_not_requests(gunicorn, tiny_tmpfs, tmp_path):
    folder = tiny_tmpfs("2m")
    base, master = gunicorn(PROMETHEUS_MULTIPROC_DIR=str(folder))
    workers = wait_workers(master.pid, 2)
    fill(folder)
    paths = ["/v1/tips", "/v1/red-flags", "/v1/treatments", "/v1/condition", "/v1/nowhere", "/health/live"]
    answers = [status(base + path, method) for _ in range(5) for path in paths for method in ("GET", "HEAD", "PUT")]
    assert 0 not in answers and all(code < 500 for code in answers), answers
    assert status(base + "/health/ready") == 200 and status(base + "/metrics") == 200
    assert wait_workers(master.pid, 2) == workers, "no worker died"
    assert 1 <= logs(tmp_path).count("metrics storage failed") <= 3  # once per process at most


def test_an_operators_metrics_folder_keeps_its_files(gunicorn, tmp_path):
    folder = tmp_path / "operator-metrics"
    folder.mkdir()
    (folder / "keep.txt").write_text("not the service's")
    (folder / "counter_1.db").write_bytes(b"an earlier run")
    base, master = gunicorn(PROMETHEUS_MULTIPROC_DIR=str(folder))
    assert status(base + "/v1/tips") == 200 and status(base + "/metrics") == 200
    ours = [p for p in folder.iterdir() if p.name.startswith("sciatica-metrics-")]
    assert len(ours) == 1 and any(ours[0].glob("*.db"))
    master.terminate()
    master.wait(25)
    assert sorted(p.name for p in folder.iterdir()) == ["counter_1.db", "keep.txt"]


def failing_app():
    """A WSGI app whose every request but the readiness probe raises, with personal data in the message."""

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/health/ready":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        raise ValueError("patient Jane Doe born 1980-01-01")

    return app


def raw(base: str, data: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(data)
        return s.recv(65536)


@pytest.mark.parametrize(
    "request_bytes",
    [
        f"GET /v1/tips{QUERY}\r\n\r\n".encode(),
        f"GET /v1/tips{QUERY.replace('+', ' ')} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        f"GET /v1/tips{QUERY}\x01 HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        f"G(T /v1/tips{QUERY} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        b"GET /v1/tips HTTP/1.1\r\nHost: x\r\nX-Patient: Jane Doe 1980-01-01\x01\r\n\r\n",
        b"GET /v1/tips HTTP/1.1\r\nHost: x\r\nJane Doe 1980-01-01: x\r\n\r\n",
    ],
    ids=["no-version", "space-in-query", "control-in-uri", "method", "header-value", "header-name"],
)
def test_gunicorn_logs_no_client_text_from_invalid_requests(gunicorn, tmp_path, request_bytes):
    base, _ = gunicorn(LOG_LEVEL="debug")
    assert raw(base, request_bytes).startswith(b"HTTP/1.1 4")
    text = logs(tmp_path)
    assert "Invalid request" in text
    assert not [s for s in SECRETS if s in text], text[-3000:]


def test_gunicorn_debug_lines_log_no_path_or_query(gunicorn, tmp_path):
    base, _ = gunicorn(LOG_LEVEL="debug")
    assert status(base + "/v1/tips/Jane-Doe-1980-01-01" + QUERY) == 404
    text = logs(tmp_path)
    assert not [s for s in SECRETS if s in text], text[-3000:]


def test_gunicorn_logs_a_failed_requests_exception_type_not_its_message(gunicorn, tmp_path):
    base, _ = gunicorn("tests.live.test_metrics_faults_live:failing_app()")
    assert status(base + "/v1/tips" + QUERY) == 500
    text = logs(tmp_path)
    assert re.search(r'"message":"Error handling request".*"exception":"ValueError"', text), text[-3000:]
    assert not [s for s in SECRETS if s in text], text[-3000:]
