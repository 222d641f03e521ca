"""Live servers on loopback for fault and proxy tests: gunicorn with the production config, nginx with ours.

These run when LIVE=1 (.ci/run sets it and installs nginx and wrk); every server is stopped by its PID.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.loopback import free_port, nginx_conf, stop

ROOT = Path(__file__).parents[2]

if os.environ.get("LIVE") != "1":
    pytest.skip("live server tests run with LIVE=1 (.ci/run)", allow_module_level=True)


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def workers_of(pid: int) -> list[int]:
    """Child process ids of a gunicorn master."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wait_workers(pid: int, count: int, seconds: float = 10) -> list[int]:
    """The master's workers once `count` of them run (the first answers before the others have booted)."""
    deadline = time.monotonic() + seconds
    while len(workers := workers_of(pid)) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return workers


@pytest.fixture()
def gunicorn(tmp_path):
    """Start gunicorn with the production config (from another directory); returns (base URL, process)."""
    procs = []

    def start(app: str = "service:create_app()", **env):
        port = free_port()
        environ = (
            os.environ
            | {"HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(ROOT), "SCIATICA_RATE_LIMIT_ENABLED": "0"}
            | env
        )
        log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - handed to the child process
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf", app],
            cwd=tmp_path,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/health/ready", proc)
        return base, proc

    yield start
    for proc in procs:
        stop(proc)


@pytest.fixture()
def nginx(tmp_path):
    """Start Debian's nginx with deploy/nginx.conf in front of an upstream port; returns the proxy's base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is not installed (.ci/run installs it)"
    procs, works = [], []

    def start(upstream: str):
        port = free_port()
        work = Path(tempfile.mkdtemp(prefix="nginx-"))  # nginx workers drop root: pytest's 0700 tmp is closed to them
        work.chmod(0o777)
        works.append(work)
        conf = nginx_conf(int(upstream.rsplit(":", 1)[1]), port, work)
        path = tmp_path / "nginx.conf"
        path.write_text(conf)
        proc = subprocess.Popen(
            [binary, "-c", str(path), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "nginx.log", "w"),  # noqa: SIM115 - handed to the child process
        )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/health/live", proc)
        return base

    yield start
    for proc in procs:
        stop(proc)
    for work in works:
        shutil.rmtree(work, ignore_errors=True)
