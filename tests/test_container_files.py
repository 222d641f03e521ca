"""The shipping files: Dockerfile, docker-compose.yml and the nginx config agree with the service."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from service.config import Config

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


def test_nginx_cache_keeps_no_credential_and_replays_no_per_request_header():
    key = re.search(r"proxy_cache_key (.*);", NGINX).group(1)
    assert "$http_x_api_key" not in key and "$http_authorization" not in key
    assert "proxy_cache_bypass $credentials;" in NGINX and "proxy_no_cache $credentials;" in NGINX
    for header in ("X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert f"proxy_hide_header {header};" in NGINX, header
    assert "add_header X-Request-ID $rid always;" in NGINX


def test_nginx_keeps_metrics_off_the_public_proxy():
    for block in ("location = /metrics", "location /metrics/"):
        assert re.search(rf"^\s*{re.escape(block)} \{{[^}}]*?return 404;", NGINX, re.M), block


APP_ONLY = {"API_TITLE", "API_VERSION"}  # and OPENAPI_*: the API's own description, not a deployment's choice
SETTINGS = {k: v for k, v in vars(Config).items() if k.isupper() and k not in APP_ONLY and not k.startswith("OPENAPI_")}
IN_COMPOSE = {"PROXY_HOPS": "1"}  # nginx is one trusted proxy in front


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_compose_passes_every_setting_through_with_the_config_default(key):
    env = COMPOSE["services"]["api"]["environment"]
    assert f"SCIATICA_{key}" in env, f"docker-compose.yml: add SCIATICA_{key}: ${{SCIATICA_{key}:-default}}"
    value, default = env[f"SCIATICA_{key}"], SETTINGS[key]
    if value is None:  # passed only when set in the shell: for settings that have no empty value
        assert default is None
        return
    given = re.fullmatch(rf"\$\{{SCIATICA_{key}:-(.*)\}}", str(value))
    assert given, f"SCIATICA_{key}: write it as ${{SCIATICA_{key}:-default}}"
    assert given.group(1) == IN_COMPOSE.get(key, "" if default is None else str(default))


NGINX_SIZES = {"k": 1024, "m": 1024 * 1024}


def nginx_body_limit(block: str) -> int:
    """client_max_body_size of the first server or location block that starts with `block`."""
    found = re.search(rf"^\s*{re.escape(block)} \{{[^}}]*?client_max_body_size (\d+)([km]);", NGINX, re.M)
    assert found, f"deploy/nginx.conf: no client_max_body_size in {block}"
    return int(found.group(1)) * NGINX_SIZES[found.group(2)]


@pytest.mark.parametrize(
    ("block", "app_limit"),
    [
        ("server", Config.MAX_CONTENT_LENGTH),
        ("location /cds-services/", Config.CDS_MAX_CONTENT_LENGTH),
    ],
)
def test_nginx_body_limits_match_the_app(block, app_limit):
    assert nginx_body_limit(block) == app_limit


def test_only_routes_nginx_sizes_take_bodies(app):
    """Every route with a body is under /v1 (the server's 16 KiB) or /cds-services/ (its own location)."""
    bodies = {r.rule for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "PATCH"}}
    assert bodies and all(rule.startswith(("/v1/", "/cds-services/")) for rule in bodies), bodies


def test_every_data_file_of_the_package_goes_into_the_wheel():
    """A file under service/ that is not Python must match a package-data pattern, or the wheel (and the image,
    which installs it) starts without it: the exercise pictures once did."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    service = ROOT / "service"
    missing = []
    for path in service.rglob("*"):
        if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
            continue
        owners = [pkg for pkg in declared if (ROOT / pkg.replace(".", "/")) in path.parents]
        if not any(
            path.relative_to(ROOT / pkg.replace(".", "/")).match(pattern) for pkg in owners for pattern in declared[pkg]
        ):
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
