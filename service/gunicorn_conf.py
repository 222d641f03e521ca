"""gunicorn settings for every environment: bind from HOST/PORT, workers from WEB_CONCURRENCY.

A module of the package, so an installed wheel can use it: gunicorn --config python:service.gunicorn_conf ...
"""

import atexit
import errno
import logging
import os
import re
import shutil
import tempfile

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
        """The service writes its own access line (service/web/telemetry.py)."""


logger_class = NoAccessLogger
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
worker_tmp_dir = os.environ.get("WORKER_TMP_DIR", "/tmp")


class ClientTextFilter(logging.Filter):
    """Keep what a client sent out of gunicorn's own messages: request lines, URIs, header values, error texts.

    A failed request keeps its class (e.g. "Invalid HTTP request line") and an exception its type, never its message.
    """

    QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\S*\?\S*")  # repr'd client text, and anything with a query string

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("gunicorn"):
            return True
        fields = dict(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0]:
            fields["exception"] = record.exc_info[0].__name__
            message = str(record.msg).split("%", 1)[0].strip()  # the template up to its first client value
            record.exc_info, record.exc_text = None, None
        elif str(record.msg).startswith("Invalid request from ip="):
            error = str(record.msg).split(": ", 1)[-1]
            message = "Invalid request: " + re.split(r"[:'\"(]", error, maxsplit=1)[0].strip()
        elif record.msg == "%s %s":  # a worker's debug line: the method and path of each request
            message = "request"
        else:
            message = self.QUOTED.sub("[removed]", record.getMessage())
        record.msg, record.args, record.fields = message, (), fields
        return True


# gunicorn's own messages as JSON lines too, like the service's access and application logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.web.logs.JsonLines"}},
    "filters": {"client_text": {"()": ClientTextFilter}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["client_text"],
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

# Every worker writes its Prometheus samples to files in a folder of its own, which /metrics merges (multiprocess
# mode), under PROMETHEUS_MULTIPROC_DIR or WORKER_TMP_DIR. It must be chosen before prometheus_client is imported,
# which this file is (gunicorn reads it before the app). A fresh folder needs no emptying: nothing an operator put
# there is deleted. If it cannot be made or has too little room, metrics stay in each process: degraded, not down.
METRICS_MIN_FREE = 1 << 20


def _metrics_folder() -> tuple[str | None, str]:
    """A new folder for this server's metrics files, or None and why not."""
    parent = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or worker_tmp_dir
    try:
        os.makedirs(parent, exist_ok=True)
        folder = tempfile.mkdtemp(prefix="sciatica-metrics-", dir=parent)
    except OSError as e:
        return None, errno.errorcode.get(e.errno or 0, "OSError")
    stat = os.statvfs(folder)
    if stat.f_bavail * stat.f_frsize < METRICS_MIN_FREE:
        os.rmdir(folder)
        return None, "ENOSPC"
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # workers inherit the handler and exit too; only this process removes the folder
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    return folder, ""


metrics_dir, metrics_problem = _metrics_folder()
if metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
else:
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


def when_ready(server):  # noqa: ANN001 - gunicorn hook
    """Before the workers start: what gunicorn refuses itself (414, 431, 400) is answered as problem+json too, never
    its HTML page; and say once if metrics could not use their folder."""
    # imported here, not at the top: service.web imports prometheus_client, which must see the metrics folder first
    from service.web import server_errors

    server_errors.install()
    if metrics_problem:
        server.log.warning(
            "metrics folder unusable (%s): each worker serves only its own metrics; requests are unaffected",
            metrics_problem,
        )


def child_exit(server, worker):  # noqa: ANN001 - gunicorn hook
    """Drop a dead worker's live gauges."""
    if not metrics_dir:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
