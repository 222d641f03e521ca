"""Servers on loopback for the live tests and the benchmark: free ports, stopping by PID, nginx config."""

import signal
import socket
import subprocess
from pathlib import Path

NGINX_CONF = Path(__file__).parents[1] / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen) -> None:
    """TERM the process by PID, wait for it, KILL it if it does not go."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(25)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def nginx_conf(upstream_port: int, port: int, work: Path) -> str:
    """deploy/nginx.conf in front of 127.0.0.1:upstream_port, listening on loopback, temp files under `work`.

    nginx workers drop root: `work` must be a folder they can write (not pytest's 0700 tmp).
    """
    conf = NGINX_CONF.read_text()
    if "server api:8000;" not in conf or "listen 8080;" not in conf:
        raise AssertionError("deploy/nginx.conf changed: update tests/loopback.py")
    conf = conf.replace("server api:8000;", f"server 127.0.0.1:{upstream_port};")
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    return conf.replace("/tmp/nginx", str(work / "nginx"))
