"""The hot-path presenter writes exactly what RecommendationSchema documents, for every engine scenario and for
generated reports in every language (its prewritten parts included)."""

from pathlib import Path

import orjson
import pytest
import yaml
from hypothesis import given

from service.api.examples import REQUEST_EXAMPLES
from service.schemas.base import dump_in
from service.schemas.recommendations import RecommendationSchema
from service.schemas.recommendations_presenter import _excluded, _recommendation
from tests.engine.reports import reports
from tests.engine.test_scenarios import SCENARIOS, report_of

SCHEMA = RecommendationSchema()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_presenter_equals_the_schema_dump(path: Path, app, kb):
    result = app.extensions["sciatica"].engine.recommend(report_of(yaml.safe_load(path.read_text()).get("report", {})))
    documented = dump_in("en", SCHEMA, result) | {"content_version": kb.content_version}
    assert orjson.loads(app.extensions["sciatica"].presenter.write(result, "en")) == documented


@pytest.mark.parametrize("lang", ["en", "es"])
@given(report=reports())
def test_presenter_equals_the_schema_dump_for_generated_reports(app, kb, lang, report):
    state = app.extensions["sciatica"]
    result = state.engine.recommend(report, lang)
    documented = dump_in(lang, SCHEMA, result) | {"content_version": kb.content_version}
    assert orjson.loads(state.presenter.write(result, lang)) == documented


def test_the_prewritten_parts_are_used_and_match_the_written_ones(app):
    """An answer that shares the engine's prepared parts is written from them, and they say what writing would."""
    state = app.extensions["sciatica"]
    report = report_of(REQUEST_EXAMPLES["acute-uncomplicated"]["value"])  # fully answered, nothing of note
    result = state.engine.recommend(report)
    written, stage = state.presenter.written["en"], result.stage.value
    assert all(id(r) in written for r in result.recommendations) and all(id(e) in written for e in result.excluded)
    treatments = state.presenter.parts["en"]["treatments"]
    for item in result.recommendations:
        assert orjson.dumps(written[id(item)][2]) == orjson.dumps(_recommendation(item, treatments, stage))
    for item in result.excluded:
        assert orjson.dumps(written[id(item)][2]) == orjson.dumps(_excluded(item, treatments))
