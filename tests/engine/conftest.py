"""The engine the engine tests share: built once per session over the knowledge base the generated reports use."""

import pytest

from service.engine import Engine
from tests.engine.reports import KB


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(KB)
