"""The OpenAPI document: committed == generated, valid, and every operation documented."""

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

COMMITTED = Path(__file__).parents[2] / "openapi" / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app):
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield pytest.param(path, method, op, id=f"{method.upper()} {path}")


def test_committed_spec_matches_generated(app):
    """`flask openapi write` (make openapi) writes the production profile, whatever the local configuration."""
    written = app.test_cli_runner().invoke(args=["openapi", "print"])
    assert json.loads(COMMITTED.read_text()) == json.loads(written.output), "stale: run `make openapi`"


def test_spec_is_valid_openapi_31(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_operation_is_documented(spec):
    ops = list(operations(spec))
    assert len(ops) >= 14
    for param in ops:
        path, method, op = param.values
        for key in ("operationId", "summary", "description", "tags"):
            assert op.get(key), f"{method} {path} lacks {key}"


def test_every_schema_field_has_a_description(spec):
    for name, schema in spec["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("description") or "$ref" in prop or "allOf" in prop, f"{name}.{field}"
