"""Shared fixtures: the shipped knowledge base, the app and its test client."""

import pytest

from service import create_app
from service.knowledge import load_knowledge


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
