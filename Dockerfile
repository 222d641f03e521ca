# syntax=docker/dockerfile:1
# Build stage: install the service and its pinned dependencies into a virtualenv.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY deploy/constraints.txt ./deploy/constraints.txt
COPY pyproject.toml README.md ./
COPY service ./service
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir -c deploy/constraints.txt .

# Runtime stage: no build tools, non-root numeric user, works on a read-only root filesystem (tmpfs on /tmp).
FROM python:3.11.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKER_TMP_DIR=/tmp \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ['PORT'], timeout=2)"]
CMD ["gunicorn", "--config", "python:service.gunicorn_conf", "service:create_app()"]
