"""Metric labels come from closed sets: clients cannot add series with made-up methods, paths or statuses."""

import random
import string

import pytest

from service.web import metrics


def series() -> int:
    """Samples in the /metrics exposition (comment lines aside)."""
    text = metrics.registry().collect()
    return sum(len(family.samples) for family in text)


def test_two_thousand_random_methods_add_no_series(client, capsys):
    for method in ("GET", "FROB"):
        for path in ("/v1/tips", "/v1/nowhere"):
            client.open(path, method=method)
    before = series()
    rng = random.Random(14)
    for _ in range(2000):
        method = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 12)))
        client.open(rng.choice(["/v1/tips", "/v1/nowhere", "/metrics"]), method=method)
    after = series()
    with capsys.disabled():
        print(f"\nmetric series before 2,000 random methods: {before}, after: {after}")
    assert after == before


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("GET", "/v1/tips", "200"), ("GET", "/v1/tips", "200")),
        (("options", "/v1/tips", "204"), ("other", "/v1/tips", "204")),
        (("FROB", "/v1/tips", "405"), ("other", "/v1/tips", "405")),
        (("POST", "/v1/made/up", "200"), ("POST", "(unmatched)", "200")),
        (("GET", "/v1/tips", "799"), ("GET", "/v1/tips", "other")),
        (("PATCH", "(unmatched)", "404"), ("PATCH", "(unmatched)", "404")),
    ],
)
def test_labels_come_from_closed_sets(app, given, expected):
    assert metrics.labels(*given) == expected
