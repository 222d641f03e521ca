"""Engine: everything prepared once per language, never changed after; checks as check_report does."""

import pytest
from hypothesis import given

from service.engine import Engine, check_report
from service.engine.models import DEFAULT_LANGUAGE
from service.engine.prepared import Prepared
from tests.engine.reports import KB, reports


def test_every_language_is_prepared_once_when_the_engine_is_made(engine):
    assert set(engine.prepared) == {*KB.languages, DEFAULT_LANGUAGE}
    assert all(isinstance(ready, Prepared) for ready in engine.prepared.values())
    assert Engine(KB).kb is KB
    with pytest.raises(TypeError):
        engine.prepared["xx"] = engine.prepared[DEFAULT_LANGUAGE]  # type: ignore[index]


@given(reports())
def test_the_engine_checks_as_check_report_does_and_answers_the_same_twice(engine, report):
    assert engine.check(report) == check_report(report, KB)
    for lang in KB.languages:
        assert engine.recommend(report, lang) == engine.recommend(report, lang), "nothing is filled in on the way"


def test_a_language_the_knowledge_does_not_have_is_an_error(engine):
    with pytest.raises(LookupError, match="not one of"):
        engine.recommend(None, "xx")  # the language is looked up before the report is read
