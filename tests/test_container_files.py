"""The shipping files: Dockerfile, docker-compose.yml and the nginx config agree with the service."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()


def test_dockerfile_is_multi_stage_non_root_with_healthcheck():
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.M)) == 2
    assert re.search(r"^USER \d+:\d+$", DOCKERFILE, re.M), "numeric non-root user"
    assert "HEALTHCHECK" in DOCKERFILE and "/health/ready" in DOCKERFILE
    assert "-c deploy/constraints.txt" in DOCKERFILE, "pinned dependencies"


def test_dockerfile_runs_the_production_command():
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1)
    assert cmd == '["gunicorn", "--config", "python:service.gunicorn_conf", "service:create_app()"]'
    assert (ROOT / "service" / "gunicorn_conf.py").exists()


def test_compose_runs_read_only_replicas_behind_the_proxy():
    api, proxy = COMPOSE["services"]["api"], COMPOSE["services"]["proxy"]
    assert api["read_only"] is True and "/tmp" in api["tmpfs"] and api["healthcheck"]
    assert api["deploy"]["replicas"] >= 2
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    assert "shared-limits" in COMPOSE["services"]["redis"]["profiles"]


def test_nginx_caches_gets_only_and_passes_request_ids():
    assert "proxy_cache_methods GET HEAD;" in NGINX and "proxy_cache_revalidate on;" in NGINX
    assert "proxy_set_header X-Request-ID $rid;" in NGINX
    assert "client_max_body_size 16k;" in NGINX and "proxy_buffering on;" in NGINX
