"""The hot-path presenter writes exactly what RecommendationSchema documents, for every engine scenario."""

from pathlib import Path

import orjson
import pytest
import yaml

from service.schemas.base import dump_in
from service.schemas.recommendations import RecommendationSchema
from service.schemas.recommendations_presenter import present
from tests.engine.test_scenarios import SCENARIOS, report_of

SCHEMA = RecommendationSchema()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_presenter_equals_the_schema_dump(path: Path, app, kb):
    result = app.extensions["sciatica"].engine.recommend(report_of(yaml.safe_load(path.read_text()).get("report", {})))
    documented = dump_in("en", SCHEMA, result) | {"content_version": kb.content_version}
    assert orjson.loads(orjson.dumps(present(result, app.extensions["sciatica"].catalog, "en"))) == documented
