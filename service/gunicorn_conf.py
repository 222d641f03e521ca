"""gunicorn settings for every environment: bind from HOST/PORT, workers from WEB_CONCURRENCY.

A module of the package, so an installed wheel can use it: gunicorn --config python:service.gunicorn_conf ...
"""

import os
import shutil

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # measured best on 2 cores (performance.md)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True  # load and validate the knowledge once, in the master: a bad file stops startup
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
keepalive = 5
forwarded_allow_ips = ""  # trust no forwarded header here: ProxyFix (SCIATICA_PROXY_HOPS) alone decides
control_socket_disable = True  # gunicorn 27 would share ~/.gunicorn/gunicorn.ctl between servers
accesslog = None  # the app writes its own structured access log without bodies


class NoAccessLogger(Logger):
    """gunicorn's logger minus its access log, which a logconfig_dict would otherwise build for every request."""

    def access(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn hook
        """The service writes its own access line (service/api/telemetry.py)."""


logger_class = NoAccessLogger
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
worker_tmp_dir = os.environ.get("WORKER_TMP_DIR", "/tmp")

# gunicorn's own messages as JSON lines too, like the service's access and application logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.api.logs.JsonLines"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

# Every worker writes its Prometheus samples to files in this folder; /metrics merges them (multiprocess mode).
# It must be set before prometheus_client is imported, which this file is (gunicorn reads it before the app).
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(worker_tmp_dir, f"sciatica-metrics-{os.getpid()}")
)

# Start with an empty folder, before the preloaded app writes to it: samples of an earlier run would count again.
shutil.rmtree(metrics_dir, ignore_errors=True)
os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):  # noqa: ANN001 - gunicorn hook
    """Drop a dead worker's live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
