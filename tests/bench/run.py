"""`make bench`: the service side by side with its baselines under wrk, plus start-up, memory and engine costs.

Starts, on loopback and free ports, and stops by PID when done (whatever happens):
  - the service: gunicorn with the production config (`--config python:service.gunicorn_conf`), run from a scratch
    directory, rate limiting on as in production but with a limit no run reaches (429s would end the runs early);
  - a bare Flask app returning the same bytes and Content-Type as each measured endpoint, fetched from the service
    first, under the same gunicorn config module (tests/bench/baseline_app.py);
  - nginx serving the same bytes as static files (the box's HTTP ceiling);
  - nginx with deploy/nginx.conf (its caching proxy) in front of the service.
Each pair (service case, baseline case) is driven by wrk at fixed threads/connections, alternating (the order flips
every round), for several rounds; the table shows medians over rounds and the ratios against the targets (issue 7's,
P2 raised to 0.75 by issue 15).
Then: cold start, worker memory, throughput vs workers and vs connections, engine time vs knowledge size.

Usage: python -m tests.bench.run [--quick] [--rounds N] [--duration S] [--out FILE] [--check] [--only P1 P4 ...]
--only measures just those pairs' targets (P1-P4), without the engine, P5 and scaling parts.
Speed is never asserted in tests; --check only sets the exit status (1 when a target is missed).
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.api.examples import REQUEST_EXAMPLES
from tests.bench import engine as engine_bench
from tests.loopback import free_port, nginx_conf, stop

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = ROOT / "bench-results" / "bench.json"

CONTENT_GETS = ["/v1/treatments", "/v1/treatments/staying-active", "/v1/tips", "/v1/red-flags"]
SCALING_GET = "/v1/treatments"
CONDITIONAL_GET = "/v1/treatments"
POST_PATH = "/v1/recommendations"
POST_EXAMPLE = "acute-uncomplicated"
READY = "/health/ready"
RATE_LIMIT_NOTE = (
    "rate limiting on (host storage shared by the workers), with a limit no run reaches "
    "(SCIATICA_RATE_LIMIT=10**9 per minute)"
)

TARGETS = {
    "P1": ("content GET >= 0.9 x bare Flask, same bytes", 0.9),
    "P2": ("POST /v1/recommendations >= 0.75 x bare Flask, same bytes; p99 <= 50 ms", 0.75),
    "P3": ("conditional GET answered 304 >= 1.0 x bare Flask 304", 1.0),
    "P4": ("content GET via nginx cache >= 0.9 x nginx static file", 0.9),
}
P2_P99_MS = 50.0
P5_START_S, P5_RSS_MB, P5_ENGINE_US = 1.0, 60.0, 200.0


# ----------------------------------------------------------------------------------------------------------------
# processes


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (from /proc, no ps needed)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return sorted(out)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def busy_seconds() -> float:
    """CPU time the whole machine spent busy (all CPUs; steal counts as busy: another guest had the core)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (the target's measure; counts pages shared with the master after fork) and PSS (shared pages split)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    log: Path
    started: float
    ready_s: float | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return [self.proc.pid, *children_of(self.proc.pid)]

    def workers(self) -> list[int]:
        return children_of(self.proc.pid)


@dataclass
class Bench:
    work: Path
    servers: list[Server] = field(default_factory=list)

    def stop(self, server: Server) -> None:
        """TERM the server's main process by PID, wait for it, KILL it if it does not go."""
        stop(server.proc)
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in list(reversed(self.servers)):
            self.stop(server)

    def spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Server:
        log = self.work / f"{name}.log"
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd or self.work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=open(log, "wb"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches only this harness, which then stops every server by PID
        )
        server = Server(name, proc, -1, log, started)
        self.servers.append(server)
        return server

    def gunicorn(self, name: str, app: str, extra_env: dict[str, str] | None = None) -> Server:
        """gunicorn with the production config module, from a scratch directory (no ./gunicorn.conf.py there)."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        metrics = self.work / f"metrics-{name}"
        env |= {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "SCIATICA_RATE_LIMIT_ENABLED": "1",
            "SCIATICA_RATE_LIMIT": "1000000000 per minute",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        }
        env |= extra_env or {}
        binary = Path(sys.executable).with_name("gunicorn")
        cmd = [str(binary)] if binary.exists() else [sys.executable, "-m", "gunicorn"]
        cwd = self.work / f"cwd-{name}"
        cwd.mkdir(exist_ok=True)
        server = self.spawn(name, [*cmd, "--config", "python:service.gunicorn_conf", app], env, cwd)
        server.port = port
        server.ready_s = wait_ready(server, READY if app.startswith("service:") else None)
        return server

    def nginx(self, name: str, conf: str, port: int) -> Server:
        path = self.work / f"{name}.conf"
        path.write_text(conf)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        server = self.spawn(name, [binary, "-c", str(path), "-g", "daemon off;"])
        server.port = port
        server.ready_s = wait_ready(server, None)
        return server


def wait_ready(server: Server, path: str | None, seconds: float = 30) -> float:
    """Seconds from exec to the first 200 on `path` (or to any HTTP answer when path is None)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SystemExit(f"{server.name} exited with {server.proc.returncode}; see {server.log}")
        try:
            status, _, _ = request(server.port, "GET", path or "/", timeout=1)
            if path is None or status == 200:
                return time.perf_counter() - server.started
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"{server.name} did not answer within {seconds} s; see {server.log}")


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout=5.0
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------------------------------
# wrk


@dataclass
class Case:
    """One load: a server, a request, and what it must answer."""

    label: str
    server: Server
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body_file: Path | None = None
    expect: int = 200
    samples: list[dict[str, Any]] = field(default_factory=list)

    def median(self, key: str) -> float:
        values = [s[key] for s in self.samples if s.get(key) is not None]
        return statistics.median(values) if values else float("nan")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def run_wrk(case: Case, duration: int, connections: int, threads: int = 1) -> dict[str, Any]:
    """One wrk run against `case`; req/s, p50/p99 (ms), errors, and the server's CPU time per request."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    env = dict(os.environ)
    if case.method == "POST":
        cmd += ["-s", str(HERE / "post.lua")]
        env["BENCH_POST_BODY"] = str(case.body_file)
    for name, value in case.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(case.server.base + case.path)
    pids = case.server.pids()
    client0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, busy0, t0 = cpu_seconds(pids), busy_seconds(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + 30)
    wall, cpu, busy = time.perf_counter() - t0, cpu_seconds(pids) - cpu0, busy_seconds() - busy0
    client1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = client1.ru_utime - client0.ru_utime + client1.ru_stime - client0.ru_stime  # wrk (the only child reaped)
    out = done.stdout
    if done.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed on {case.label}: {done.stderr or out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    result: dict[str, Any] = {
        "connections": connections,
        "threads": threads,
        "duration_s": duration,
        "requests": total,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "server_cpu_us_per_req": round(cpu / total * 1e6, 1) if total else None,
        "server_cpu_cores": round(cpu / wall, 2),
        "wrk_cpu_cores": round(client / wall, 2),
        "other_cpu_cores": round(max(0.0, busy - cpu - client) / wall, 2),  # anything else on the box
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        found = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.MULTILINE)
        result[key] = round(to_ms(found.group(1)), 2) if found else None
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["socket_errors"] = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)) if errors else {}
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx_3xx"] = int(bad.group(1)) if bad else 0
    return result


def check_answer(case: Case, expected_body: bytes | None, content_type: str | None) -> None:
    """Before loading a case: one request must give the expected status (and the same bytes as the service)."""
    body = case.body_file.read_bytes() if case.body_file else None
    headers = dict(case.headers) | ({"Content-Type": "application/json"} if body is not None else {})
    status, got_headers, got = request(case.server.port, case.method, case.path, body, headers)
    if status != case.expect:
        raise SystemExit(f"{case.label}: expected {case.expect}, got {status}")
    if expected_body is not None and got != expected_body:
        raise SystemExit(
            f"{case.label}: the body differs from the service's ({len(got)} vs {len(expected_body)} bytes)"
        )
    if content_type is not None and got_headers.get("content-type") != content_type:
        raise SystemExit(f"{case.label}: Content-Type {got_headers.get('content-type')!r}, not {content_type!r}")


# ----------------------------------------------------------------------------------------------------------------
# baselines


def nginx_static_conf(work: Path, port: int, files: dict[str, tuple[Path, str]]) -> str:
    """nginx serving each path as a static file with the service's Content-Type (same process/connection limits)."""
    locations = "\n".join(
        f"        location = {path} {{ types {{ }} default_type {ctype}; alias {file}; }}"
        for path, (file, ctype) in files.items()
    )
    return f"""worker_processes auto;
pid {work}/nginx-static.pid;
error_log {work}/nginx-static.error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {work}/nginx-static-body;
    proxy_temp_path {work}/nginx-static-proxy;
    fastcgi_temp_path {work}/nginx-static-fastcgi;
    uwsgi_temp_path {work}/nginx-static-uwsgi;
    scgi_temp_path {work}/nginx-static-scgi;
    server {{
        listen 127.0.0.1:{port};
        keepalive_timeout 30s;
        location = / {{ return 204; }}
{locations}
    }}
}}
"""


def nginx_cache_conf(work: Path, port: int, upstream_port: int) -> str:
    """deploy/nginx.conf rewritten for loopback (tests/loopback.py), its errors logged into the work folder."""
    conf = nginx_conf(upstream_port, port, work)
    return conf.replace("error_log /dev/stderr", f"error_log {work}/nginx-cache.error.log")


def warm_cache(server: Server, path: str) -> None:
    for _ in range(10):
        status, headers, _ = request(server.port, "GET", path)
        if status == 200 and headers.get("x-cache-status") == "HIT":
            return
        time.sleep(0.05)
    raise SystemExit(f"nginx cache never answered HIT for {path}")


def ensure_tools() -> None:
    """wrk and nginx are Debian packages; install them when missing and allowed (root with apt-get)."""
    missing = [b for b in ("wrk", "nginx") if not shutil.which(b) and not Path(f"/usr/sbin/{b}").exists()]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"missing {', '.join(missing)}: install the Debian packages wrk and nginx-light")
    print(f"installing {', '.join(missing)} with apt-get", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, timeout=300)
    packages = ["wrk"] if "wrk" in missing else []
    packages += ["nginx-light"] if "nginx" in missing else []
    if subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env).returncode:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk", "nginx"], check=True, env=env
        )


# ----------------------------------------------------------------------------------------------------------------
# the run


@dataclass
class Pair:
    target: str
    title: str
    service: Case
    baseline: Case

    def ratio(self) -> float:
        return self.service.median("rps") / self.baseline.median("rps")

    def round_ratios(self) -> list[float]:
        return [s["rps"] / b["rps"] for s, b in zip(self.service.samples, self.baseline.samples, strict=False)]


def gunicorn_settings(work: Path) -> dict[str, Any]:
    """The production config's effective settings (read in a child, so its side effects stay there)."""
    code = (
        "import json, service.gunicorn_conf as c; print(json.dumps({k: getattr(c, k, None) for k in "
        "('workers', 'threads', 'worker_class', 'keepalive', 'preload_app', 'timeout')}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PROMETHEUS_MULTIPROC_DIR": str(work / "m0")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=work, check=True)
    settings = json.loads(out.stdout)
    settings["worker_class"] = settings["worker_class"] or ("gthread" if (settings["threads"] or 1) > 1 else "sync")
    return settings


def cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    models = [line.split(":", 1)[1].strip() for line in cpuinfo().splitlines() if line.startswith("model name")]
    model = models[0] if models else ""
    mem = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "0"
    wrk = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        .stdout.split("\n")[0]
        .split(" [")[0]
        .removeprefix("wrk ")
    )
    ngx = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], capture_output=True, text=True).stderr
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "mem_gib": round(int(mem) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk.strip(),
        "nginx": ngx.strip().split("/")[-1],
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def rounds_of(pairs: list[Pair], rounds: int, duration: int, connections: int) -> None:
    """Each pair service/baseline back to back, the order flipping every round (ABBA), `rounds` times."""
    for r in range(rounds):
        print(f"  round {r + 1}/{rounds}", flush=True)
        for pair in pairs:
            order = (pair.service, pair.baseline) if r % 2 == 0 else (pair.baseline, pair.service)
            for case in order:
                case.samples.append(run_wrk(case, duration, connections))


def fmt(value: float | None, width: int, digits: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return f"{'-':>{width}}"
    return f"{value:>{width},.{digits}f}"


def print_pairs(pairs: list[Pair], rounds: int, duration: int, connections: int) -> list[dict[str, Any]]:
    print(f"\n== Side by side: wrk -t1 -c{connections} -d{duration:g}s --latency, median of {rounds} round(s)")
    print(f"   {RATE_LIMIT_NOTE}; cpu us/req: server processes' CPU time per request")
    other = [s["other_cpu_cores"] for pair in pairs for c in (pair.service, pair.baseline) for s in c.samples]
    if other:
        print(
            f"   CPU used by other processes during the runs: median {statistics.median(other):.2f}, "
            f"max {max(other):.2f} cores of {os.cpu_count()}"
            + ("  <- a busy box: compare the cpu us/req column" if statistics.median(other) > 0.2 else "")
        )
    head = f"{'target':<7}{'case':<46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu us/req':>12}{'errors':>8}"
    print(head + f"{'ratio':>8}{'(rounds)':>16}{'target':>9}  verdict")
    rows = []
    for pair in pairs:
        ratio = pair.ratio()
        need = TARGETS[pair.target][1]
        verdict = ratio >= need
        extra = ""
        if pair.target == "P2":
            p99 = pair.service.median("p99_ms")
            verdict = verdict and p99 <= P2_P99_MS
            extra = f" (p99 {p99:.1f} ms, needs <= {P2_P99_MS:g})"
        per_round = pair.round_ratios()
        spread = f"{min(per_round):.2f}-{max(per_round):.2f}" if per_round else "-"
        for case, is_service in ((pair.service, True), (pair.baseline, False)):
            errors = sum(sum(s["socket_errors"].values()) + s["non_2xx_3xx"] for s in case.samples)
            line = f"{pair.target if is_service else '':<7}{case.label:<46}{fmt(case.median('rps'), 9)}"
            line += f"{fmt(case.median('p50_ms'), 9, 1)}{fmt(case.median('p99_ms'), 9, 1)}"
            line += f"{fmt(case.median('server_cpu_us_per_req'), 12)}{errors:>8}"
            if is_service:
                line += f"{ratio:>8.2f}{spread:>16}{need:>9.2f}  {'meets' if verdict else 'MISSES'}{extra}"
            print(line)
        rows.append(
            {
                "target": pair.target,
                "title": pair.title,
                "ratio": round(ratio, 3),
                "round_ratios": [round(x, 3) for x in per_round],
                "needed": need,
                "meets": verdict,
                "service": {"label": pair.service.label, "samples": pair.service.samples},
                "baseline": {"label": pair.baseline.label, "samples": pair.baseline.samples},
            }
        )
    return rows


def scale_workers(bench: Bench, counts: list[int], rounds: int, duration: int, connections: int) -> list[dict]:
    """Throughput of one content GET with 1, 2, 4 workers (same config otherwise); RSS per worker after load."""
    servers = {n: bench.gunicorn(f"service-w{n}", "service:create_app()", {"WEB_CONCURRENCY": str(n)}) for n in counts}
    cases = {n: Case(f"w{n}", servers[n], SCALING_GET) for n in counts}
    try:
        for case in cases.values():
            run_wrk(case, 1, connections)  # warm up
        for r in range(rounds):
            for n in counts if r % 2 == 0 else list(reversed(counts)):
                cases[n].samples.append(run_wrk(cases[n], duration, connections))
        out = []
        for n in counts:
            mem = [memory_mb(pid) for pid in servers[n].workers()]
            out.append(
                {
                    "workers": n,
                    "rps": round(cases[n].median("rps"), 1),
                    "p50_ms": cases[n].median("p50_ms"),
                    "p99_ms": cases[n].median("p99_ms"),
                    "server_cpu_us_per_req": cases[n].median("server_cpu_us_per_req"),
                    "other_cpu_cores": cases[n].median("other_cpu_cores"),
                    "worker_memory": mem,
                    "samples": cases[n].samples,
                }
            )
        return out
    finally:
        for server in servers.values():
            bench.stop(server)


def scale_connections(case: Case, levels: list[int], rounds: int, duration: int) -> list[dict]:
    results: dict[int, list[dict]] = {c: [] for c in levels}
    for r in range(rounds):
        for c in levels if r % 2 == 0 else list(reversed(levels)):
            results[c].append(run_wrk(case, duration, c))
    out = []
    for c in levels:
        samples = results[c]
        out.append(
            {
                "connections": c,
                "rps": round(statistics.median(s["rps"] for s in samples), 1),
                "p50_ms": statistics.median(s["p50_ms"] for s in samples),
                "p99_ms": statistics.median(s["p99_ms"] for s in samples),
                "server_cpu_us_per_req": statistics.median(s["server_cpu_us_per_req"] for s in samples),
                "other_cpu_cores": statistics.median(s["other_cpu_cores"] for s in samples),
                "samples": samples,
            }
        )
    return out


def cold_starts(bench: Bench, repeats: int) -> list[float]:
    """Exec of the production command to the first 200 on /health/ready, each on a fresh server."""
    times = []
    for i in range(repeats):
        server = bench.gunicorn(f"cold-{i}", "service:create_app()")
        times.append(round(server.ready_s or 0, 3))
        bench.stop(server)
    return times


def main() -> int:  # noqa: C901 - a script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s runs, short scaling")
    parser.add_argument("--rounds", type=int, help="rounds of alternating pairs (default 3; quick: 1)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 5; quick: 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections for the pairs (default 32)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the workers/connections/engine scaling")
    parser.add_argument("--out", type=Path, help=f"JSON result file (default {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, configs, bodies)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(TARGETS),
        help="measure only these pairs (e.g. --only P4); skips the engine, P5 and the scaling",
    )
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    duration = args.duration or (2 if args.quick else 5)
    scale_rounds = 1 if args.quick else 2
    out_path = args.out or (DEFAULT_OUT.with_name("bench-quick.json") if args.quick else DEFAULT_OUT)
    if args.only and not args.out:
        out_path = out_path.with_name(f"{out_path.stem}-{'-'.join(sorted(args.only))}.json")
    only = set(args.only) if args.only else {*TARGETS, "P5"}  # P5: memory, cold start, engine, scaling
    conns = args.connections

    ensure_tools()
    t_start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="sciatica-bench-"))
    work.chmod(0o777)  # nginx workers drop root: they must read the static files and write their temp folders
    bench = Bench(work)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # TERM too goes through the finally below
    result: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "rounds": rounds,
        "duration_s": duration,
        "wrk": f"-t1 -c{conns} -d{duration:g}s --latency",
        "rate_limit": RATE_LIMIT_NOTE,
        "machine": machine(),
        "only": sorted(args.only) if args.only else None,
    }
    try:
        settings = gunicorn_settings(work)
        result["gunicorn"] = settings
        print(
            f"bench: {result['machine']['cpus']} CPUs ({result['machine']['cpu_model']}), "
            f"Python {result['machine']['python']}, wrk {result['machine']['wrk']}, nginx {result['machine']['nginx']}"
        )
        print(f"gunicorn (production config): {settings}; {RATE_LIMIT_NOTE}")
        print(
            f"load average at start: {result['machine']['loadavg_at_start']} (other load on the box skews req/s; "
            f"cpu us/req is the steadier figure)"
        )

        # -- engine, in-process, before any server runs
        engine: dict[str, Any] = {}
        if "P5" in only:
            print("\n== Engine, in-process (recommend() per call)", flush=True)
            engine = engine_bench.run(quick=args.quick, factor=0 if args.no_scaling else 10)
            engine_bench.print_table(engine)
            result["engine"] = engine

        # -- the service, and the bytes it answers. Its bytecode is compiled first, as pip does when it installs the
        # wheel (the Dockerfile): PYTHONDONTWRITEBYTECODE, set in CI and on these machines, would otherwise make every
        # start compile the package from source (about 0.2 s of the cold start).
        compileall.compile_dir(str(ROOT / "service"), quiet=1)
        print("\nstarting servers ...", flush=True)
        svc = bench.gunicorn("service", "service:create_app()")
        bodies = work / "bodies"
        bodies.mkdir()
        bodies.chmod(0o755)
        routes, static_files, answers = [], {}, {}
        for i, path in enumerate(CONTENT_GETS):
            status, headers, body = request(svc.port, "GET", path)
            if status != 200:
                raise SystemExit(f"service GET {path}: {status}")
            file = bodies / f"get{i}.json"
            file.write_bytes(body)
            file.chmod(0o644)
            answers[path] = (body, headers["content-type"], headers.get("etag"))
            routes.append(
                {
                    "path": path,
                    "method": "GET",
                    "body_file": file.name,
                    "content_type": headers["content-type"],
                    "etag": headers.get("etag"),
                }
            )
            static_files[path] = (file, headers["content-type"])
        post_body = bodies / "post-request.json"
        post_body.write_bytes(json.dumps(REQUEST_EXAMPLES[POST_EXAMPLE]["value"]).encode())
        status, headers, body = request(
            svc.port, "POST", POST_PATH, post_body.read_bytes(), {"Content-Type": "application/json"}
        )
        if status != 200:
            raise SystemExit(f"service POST {POST_PATH}: {status} {body[:200]!r}")
        (bodies / "post-response.json").write_bytes(body)
        answers[POST_PATH] = (body, headers["content-type"], None)
        routes.append(
            {
                "path": POST_PATH,
                "method": "POST",
                "body_file": "post-response.json",
                "content_type": headers["content-type"],
            }
        )
        (bodies / "routes.json").write_text(json.dumps({"routes": routes}, indent=1))
        result["bytes"] = {p: len(a[0]) for p, a in answers.items()}

        # -- the baselines
        flask = bench.gunicorn(
            "bare-flask",
            "tests.bench.baseline_app:create_app()",
            {"PYTHONPATH": str(ROOT), "BENCH_BASELINE_SPEC": str(bodies / "routes.json")},
        )
        static_port = free_port()
        static = bench.nginx("nginx-static", nginx_static_conf(work, static_port, static_files), static_port)
        cache_port = free_port()
        cache = bench.nginx("nginx-cache", nginx_cache_conf(work, cache_port, svc.port), cache_port)
        for path in CONTENT_GETS:
            warm_cache(cache, path)

        # -- the pairs
        pairs: list[Pair] = []
        for path in CONTENT_GETS:
            pairs.append(
                Pair(
                    "P1",
                    f"GET {path}",
                    Case(f"GET {path}  service", svc, path),
                    Case("  bare Flask, same bytes", flask, path),
                )
            )
        pairs.append(
            Pair(
                "P2",
                f"POST {POST_PATH}",
                Case(f"POST {POST_PATH} ({POST_EXAMPLE})  service", svc, POST_PATH, "POST", body_file=post_body),
                Case("  bare Flask, same response bytes", flask, POST_PATH, "POST", body_file=post_body),
            )
        )
        etag = answers[CONDITIONAL_GET][2]
        if not etag:
            raise SystemExit(f"GET {CONDITIONAL_GET} has no ETag: P3 cannot be measured")
        inm = {"If-None-Match": etag}
        pairs.append(
            Pair(
                "P3",
                f"GET {CONDITIONAL_GET} If-None-Match -> 304",
                Case(f"GET {CONDITIONAL_GET} If-None-Match  service", svc, CONDITIONAL_GET, headers=inm, expect=304),
                Case("  bare Flask 304, precomputed ETag", flask, CONDITIONAL_GET, headers=inm, expect=304),
            )
        )
        for path in CONTENT_GETS:
            pairs.append(
                Pair(
                    "P4",
                    f"GET {path} via nginx cache",
                    Case(f"GET {path}  nginx cache -> service", cache, path),
                    Case("  nginx static file, same bytes", static, path),
                )
            )
        pairs = [pair for pair in pairs if pair.target in only]
        for pair in pairs:
            for case in (pair.service, pair.baseline):
                body, ctype, _ = answers[case.path]
                check_answer(case, *((None, None) if case.expect == 304 else (body, ctype)))
        print("every baseline answers the same bytes (and Content-Type) as the service; warming up ...", flush=True)
        for pair in pairs:
            for case in (pair.service, pair.baseline):
                run_wrk(case, 1, conns)
        print(f"measuring: {len(pairs)} pairs x {rounds} round(s) x {duration:g} s ...", flush=True)
        rounds_of(pairs, rounds, duration, conns)
        result["pairs"] = print_pairs(pairs, rounds, duration, conns)

        if "P5" in only:  # not with --only: just the pairs asked for
            # -- P5: memory after load, cold start, engine
            workers_mem = [memory_mb(pid) | {"pid": pid} for pid in svc.workers()]
            result["service_workers_after_load"] = workers_mem
            starts = cold_starts(bench, 1 if args.quick else 3)
            result["cold_start_s"] = starts
            typical = engine["sizes"][0]["recommend_us"][engine_bench.TYPICAL]
            worst = max(engine["sizes"][0]["recommend_us"].values())
            max_rss = max(w.get("rss_mb", 0) for w in workers_mem)
            p5 = {
                "cold_start_s": statistics.median(starts),
                "worker_rss_mb_max": max_rss,
                "recommend_us_typical": typical,
                "recommend_us_worst_example": worst,
            }
            p5["meets"] = {
                "cold_start": p5["cold_start_s"] <= P5_START_S,
                "worker_rss": max_rss <= P5_RSS_MB,
                "recommend": typical <= P5_ENGINE_US,
            }
            result["P5"] = p5
            print("\n== P5")
            verdict = {True: "meets", False: "MISSES"}
            print(
                f"  cold start, exec -> first 200 on {READY}: {', '.join(f'{s:.2f}' for s in starts)} s "
                f"(median {p5['cold_start_s']:.2f} s; target <= {P5_START_S:g} s)  {verdict[p5['meets']['cold_start']]}"
            )
            mems = ", ".join(f"{w.get('rss_mb')} MB (PSS {w.get('pss_mb')})" for w in workers_mem)
            print(
                f"  worker VmRSS after load: {mems}; target <= {P5_RSS_MB:g} MB each  {verdict[p5['meets']['worker_rss']]}"
            )
            print(
                f"  recommend() per call, {engine_bench.TYPICAL}: {typical:.0f} us (worst example {worst:.0f} us); "
                f"target <= {P5_ENGINE_US:g} us  {verdict[p5['meets']['recommend']]}"
            )

            # -- how cost grows
            if not args.no_scaling:
                print(
                    f"\n== Throughput vs connections: GET {SCALING_GET}, service ({settings['workers']} workers), "
                    f"wrk -t1, {duration:g} s, median of {scale_rounds}",
                    flush=True,
                )
                by_conns = scale_connections(Case("conns", svc, SCALING_GET), [1, 8, 32, 128], scale_rounds, duration)
                print(f"{'connections':>12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu us/req':>12}{'other load':>12}")
                for row in by_conns:
                    print(
                        f"{row['connections']:>12}{fmt(row['rps'], 9)}{fmt(row['p50_ms'], 9, 2)}{fmt(row['p99_ms'], 9, 2)}"
                        f"{fmt(row['server_cpu_us_per_req'], 12)}{fmt(row['other_cpu_cores'], 12, 2)}"
                    )
                result["scaling_connections"] = by_conns
                bench.stop(cache)  # fewer idle servers while measuring the worker counts
                bench.stop(static)
                bench.stop(flask)
                bench.stop(svc)
                print(
                    f"\n== Throughput vs workers: GET {SCALING_GET}, wrk -t1 -c{conns}, {duration:g} s, "
                    f"median of {scale_rounds}",
                    flush=True,
                )
                by_workers = scale_workers(bench, [1, 2, 4], scale_rounds, duration, conns)
                print(
                    f"{'workers':>12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu us/req':>12}{'other load':>12}"
                    "  worker VmRSS MB (PSS)"
                )
                for row in by_workers:
                    mem = ", ".join(f"{m.get('rss_mb')} ({m.get('pss_mb')})" for m in row["worker_memory"])
                    print(
                        f"{row['workers']:>12}{fmt(row['rps'], 9)}{fmt(row['p50_ms'], 9, 2)}{fmt(row['p99_ms'], 9, 2)}"
                        f"{fmt(row['server_cpu_us_per_req'], 12)}{fmt(row['other_cpu_cores'], 12, 2)}  {mem}"
                    )
                result["scaling_workers"] = by_workers
                print(
                    "\n== Engine vs knowledge size: see the engine table above "
                    f"({' vs '.join(s['knowledge'] for s in engine['sizes'])})"
                )

        met = [p["meets"] for p in result["pairs"]] + (list(result["P5"]["meets"].values()) if "P5" in only else [])
        result["all_targets_met"] = all(met)
    finally:
        bench.stop_all()
        signal.signal(signal.SIGTERM, previous)
        result["seconds"] = round(time.perf_counter() - t_start, 1)
        result["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(result, indent=1, default=str))
        if args.keep:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nall servers stopped; {result['seconds']:.0f} s; results in {out_path}")
    print(f"targets: {'all met' if result['all_targets_met'] else 'some MISSED (see verdicts above)'}")
    return 1 if args.check and not result["all_targets_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
