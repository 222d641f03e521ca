"""Shared fixtures: the shipped knowledge base, the app and its test client."""

import os

import pytest
from hypothesis import HealthCheck, settings

from service import create_app
from service.knowledge import load_knowledge

pytest_plugins = ["tests.safety_case", "tests.content_report"]


# Property tests: the same reports on every run in CI (derandomised, no example database), many fresh ones to explore.
settings.register_profile(
    "default", max_examples=400, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(HealthCheck), print_blob=True,
)  # fmt: skip
settings.register_profile(
    "explore",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base."""
    return load_knowledge()


@pytest.fixture(scope="session")
def app():
    """The app with the default configuration."""
    return create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0})


@pytest.fixture()
def make_client():
    """A test client of an app built with extra configuration."""

    def build(**config):
        return create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0} | config).test_client()

    return build


@pytest.fixture()
def client(app):
    """A test client."""
    return app.test_client()
