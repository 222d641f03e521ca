"""gunicorn settings for every environment: bind from HOST/PORT, workers from WEB_CONCURRENCY."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # measured best on 2 cores (performance.md)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True  # load and validate the knowledge once, in the master: a bad file stops startup
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
keepalive = 5
control_socket_disable = True  # gunicorn 27 would share ~/.gunicorn/gunicorn.ctl between servers
accesslog = None  # the app writes its own structured access log without bodies
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
worker_tmp_dir = os.environ.get("WORKER_TMP_DIR", "/tmp")
