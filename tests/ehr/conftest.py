"""EHR test helpers: the fixture requests (one JSON file per case) and a client whose 'today' is the fixture's."""

import functools
import json
from datetime import date
from pathlib import Path

import pytest

from service.api.ehr import cds_hooks
from service.ehr.cards import Context
from service.ehr.loader import load_codes
from service.engine import Engine
from service.knowledge import load_knowledge

FIXTURES = Path(__file__).parent / "fixtures"
CASES = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))}


def cases(predicate=lambda case: True):
    """pytest params of the fixture cases that satisfy `predicate`."""
    return [pytest.param(case, id=name) for name, case in CASES.items() if predicate(case)]


@functools.cache
def ehr_context():
    """The shipped knowledge and code maps as the card builders take them (a function, not a fixture, so that
    hypothesis does not print the whole knowledge base with a failing example)."""
    kb = load_knowledge()
    return Context(Engine(kb), load_codes(kb), "https://cds.example.org")


@pytest.fixture(scope="session")
def codes(kb):
    return load_codes(kb)


@pytest.fixture()
def call(client, monkeypatch):
    """POST a fixture's request to its service on the fixture's date."""

    def post(case, **kwargs):
        monkeypatch.setattr(cds_hooks, "today", lambda: date.fromisoformat(case["today"]))
        return client.post(f"/cds-services/{case['service']}", json=case["request"], **kwargs)

    return post
