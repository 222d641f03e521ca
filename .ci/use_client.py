"""The client generated from openapi/openapi.json, used against the live server: typed results, not just 200s.

Usage: use_client.py BASE_URL SPEC_JSON   (the generated package must be on PYTHONPATH)
"""

from __future__ import annotations

import json
import sys

from sciatica_relief_api_client import Client
from sciatica_relief_api_client.api.recommendations import create_recommendation
from sciatica_relief_api_client.api.treatments import get_treatment, list_treatments
from sciatica_relief_api_client.models import (
    Evidence,
    EvidenceBrief,
    Recommendation,
    RecommendationRequest,
    Recommended,
    Treatment,
    TreatmentSummary,
    Triage,
    TriageLevel,
)
from sciatica_relief_api_client.types import Unset


def main(base: str, spec_path: str) -> int:
    with open(spec_path) as f:
        spec = json.load(f)
    body = spec["paths"]["/v1/recommendations"]["post"]["requestBody"]["content"]["application/json"]
    example_name, example = next(iter(body["examples"].items()))

    client = Client(base_url=base, raise_on_unexpected_status=True, timeout=10.0)
    treatments = list_treatments.sync(client=client)
    assert isinstance(treatments, list) and treatments, treatments
    # the default view lists summaries (the document says: summary or full items)
    assert all(isinstance(t, TreatmentSummary) and isinstance(t.evidence, EvidenceBrief) for t in treatments)
    print(f"listTreatments: {len(treatments)} TreatmentSummary objects")

    first = treatments[0]
    assert isinstance(first.id, str)
    one = get_treatment.sync(first.id, client=client)
    assert isinstance(one, Treatment) and isinstance(one.evidence, Evidence), one
    assert one.id == first.id and isinstance(one.sources, list) and not isinstance(one.details, Unset), one
    print(f"getTreatment({first.id!r}): Treatment with {len(one.sources)} sources")

    rec = create_recommendation.sync(client=client, body=RecommendationRequest.from_dict(example["value"]))
    assert isinstance(rec, Recommendation), rec
    assert isinstance(rec.triage, Triage) and isinstance(rec.triage.level, TriageLevel), rec.triage
    assert isinstance(rec.recommendations, list) and rec.recommendations, rec
    assert all(
        isinstance(r, Recommended) and isinstance(r.rank, int) and isinstance(r.evidence, EvidenceBrief)
        for r in rec.recommendations
    )
    print(
        f"createRecommendation({example_name!r}): triage {rec.triage.level.value}, "
        f"{len(rec.recommendations)} ranked, first {rec.recommendations[0].treatment_id}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
