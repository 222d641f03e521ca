"""Every operation against its OpenAPI contract, in-process and quick; .ci/run also fuzzes a live gunicorn.

Twice: with API keys on, so the ignored_auth check proves /v1 rejects calls without a valid key. The key reaches schemathesis
through .ci/schemathesis.toml ([auth.openapi.ApiKeyAuth], from SCHEMATHESIS_API_KEY), never as a fixed header: that
way it is left off the negative cases whose point is a missing or invalid key. The same file fixes the seed, so every
run draws the same cases (pytest's --hypothesis-seed does not change them).
"""

import os
import tomllib
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from service import create_app

KEY = os.environ.setdefault("SCHEMATHESIS_API_KEY", "schemathesis-test-key")
SETTINGS_FILE = Path(__file__).parents[2] / ".ci" / "schemathesis.toml"
CONFIG = SchemathesisConfig.from_path(SETTINGS_FILE)
APP = create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0, "API_KEYS": KEY})
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=CONFIG)
# make run's configuration (no keys): its served document has no security and requires the hooks' prefetch keys
DEFAULT = create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0})
NO_AUTH = {k: v for k, v in tomllib.loads(SETTINGS_FILE.read_text()).items() if k != "auth"}  # no scheme to use
default_schema = schemathesis.openapi.from_wsgi("/openapi.json", DEFAULT, config=SchemathesisConfig.from_dict(NO_AUTH))
SETTINGS = settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def call_and_validate(case):
    # In process, schemathesis sends requests' default Accept-Encoding (gzip) but, unlike requests, does not decode
    # the answer; GET /v1/bundle honours it. Ask for identity here: the live run in .ci/run decodes gzip itself.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


@schema.parametrize()
@SETTINGS
def test_operation_keeps_its_contract(case):
    call_and_validate(case)


@default_schema.parametrize()
@SETTINGS
def test_operation_keeps_its_contract_as_make_run_serves_it(case):
    call_and_validate(case)
