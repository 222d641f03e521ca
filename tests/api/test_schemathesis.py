"""Every operation against its OpenAPI contract, in-process and quick; .ci/run also fuzzes a live gunicorn."""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from service import create_app

CONFIG = SchemathesisConfig.from_path(Path(__file__).parents[2] / ".ci" / "schemathesis.toml")
KEY = "schemathesis-test-key"  # keys on, so the ignored_auth check proves /v1 rejects calls without a valid one
APP = create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0, "API_KEYS": KEY})
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_operation_keeps_its_contract(case):
    case.call_and_validate(headers={"X-API-Key": KEY})
