"""The EHR endpoints' HTTP tests share the EHR fixtures (tests/ehr/conftest.py)."""

from tests.ehr.conftest import call, codes  # noqa: F401 - fixtures, found by name
