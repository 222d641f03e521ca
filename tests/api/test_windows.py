"""Rate limits: the configured rate parsed; windows count, roll over and are swept, in both stores."""

import pytest

from service.api import windows
from service.api.limits import parse_rate
from service.api.windows import LocalWindows, SharedWindows

# (seconds after the first request, key, expected count) for 60-second windows
STEPS = [
    (0, "a", 1),
    (1, "a", 2),
    (59, "a", 3),
    (30, "b", 1),
    (60, "a", 1),  # a's first window ended: a new one opens
    (61, "a", 2),
    (89, "b", 2),
    (90, "b", 1),
]


@pytest.mark.parametrize("store", ["local", "shared"])
def test_windows_count_and_roll_over(store, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(windows.time, "time", lambda: now[0])
    if store == "shared":
        import limits.storage.memory

        monkeypatch.setattr(limits.storage.memory.time, "time", lambda: now[0])
    counter = LocalWindows() if store == "local" else SharedWindows("memory://")
    starts: dict[str, float] = {}
    for offset, key, expected in STEPS:
        now[0] = 1_000_000.0 + offset
        count, end = counter.incr(key, 60)
        if count == 1:
            starts[key] = now[0]
        assert (count, end) == (expected, starts[key] + 60), (offset, key)


def test_local_windows_sweep_expired_keys(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(windows.time, "time", lambda: now[0])
    counter = LocalWindows()
    for i in range(100):
        counter.incr(f"ip:{i}", 60)
    now[0] = 120.0
    counter.incr("ip:new", 60)
    assert set(counter.windows) == {"ip:new"}, "callers gone quiet do not pile up"


RATES = [
    ("300 per minute", (300, 60)),
    ("10/second", (10, 1)),
    ("1000 per 2 hours", (1000, 7200)),
    ("5 per Day", (5, 86400)),
    ("1000000000 per minute", (1000000000, 60)),
]
BAD_RATES = ["", "per minute", "0 per minute", "10 per fortnight", "10 per minute;20 per hour", "ten per minute"]


@pytest.mark.parametrize(("text", "parsed"), RATES)
def test_rates_parse(text, parsed):
    assert parse_rate(text) == parsed


@pytest.mark.parametrize("text", BAD_RATES)
def test_bad_rates_are_refused_naming_the_setting(text):
    with pytest.raises(ValueError, match="RATE_LIMIT"):
        parse_rate(text)
