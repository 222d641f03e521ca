"""gunicorn (production config) fetching what the EHR did not prefetch from a FHIR server on loopback: the same
cards as with the prefetch, and what fetching adds to a call's latency."""

import json
import statistics
import time
import urllib.request

import pytest

from tests.ehr.conftest import CASES
from tests.ehr.test_fetch import FhirServer, unfetched, without_uuids

CALLS = 20
EXTRA_MS_LIMIT = 500  # loopback: far less; a fetch that waits on a timeout or runs its keys one by one is more


def post(base: str, case: dict, request: dict) -> tuple[dict, float]:
    """(answer, seconds) of one hook call."""
    req = urllib.request.Request(
        f"{base}/cds-services/{case['service']}",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read()), time.perf_counter() - started


@pytest.fixture()
def fhir():
    with FhirServer() as server:
        yield server


@pytest.mark.parametrize("name", ["pv-acute-sciatica", "osign-naproxen-apixaban"])
def test_a_call_without_prefetch_gets_the_cards_it_gets_with_it(name, fhir, gunicorn, capsys):
    case = CASES[name]
    base, _ = gunicorn(SCIATICA_FHIR_SERVERS=fhir.base)
    fetch_backed = unfetched(case, fhir.serve(case))
    assert "prefetch" not in fetch_backed
    prefetched, _ = post(base, case, case["request"])
    fetched, _ = post(base, case, fetch_backed)
    assert fetched["cards"] and without_uuids(fetched) == without_uuids(prefetched)
    assert len(fhir.seen) == 4, "patient, conditions, medications and pregnancy fetched"

    timings: dict[str, list[float]] = {"prefetched": [], "fetched": []}
    for _ in range(CALLS):  # interleaved, so both see the same machine load
        timings["prefetched"].append(post(base, case, case["request"])[1])
        timings["fetched"].append(post(base, case, fetch_backed)[1])
    median = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    extra = median["fetched"] - median["prefetched"]
    with capsys.disabled():
        print(
            f"\n{case['service']} ({name}): median over {CALLS} calls, prefetched {median['prefetched']:.1f} ms, "
            f"fetch-backed {median['fetched']:.1f} ms (4 keys from a loopback FHIR server): extra {extra:.1f} ms"
        )
    assert extra < EXTRA_MS_LIMIT
