"""Rate limits: the configured rate parsed; windows count, roll over and are swept, in every store; the host store
is shared by forked workers and degrades to per-process counts when its file fails."""

import logging
import multiprocessing
from pathlib import Path

import pytest

from service.web import host_windows, windows
from service.web.host_windows import HostWindows
from service.web.limits import parse_rate
from service.web.windows import LocalWindows, SharedWindows, windows_for

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


def make(store: str, tmp_path: Path):
    return {"local": LocalWindows, "shared": lambda: SharedWindows("memory://"), "host": lambda: HostWindows(tmp_path)}[
        store
    ]()


@pytest.mark.parametrize("store", ["local", "shared", "host"])
def test_windows_count_and_roll_over(store, monkeypatch, tmp_path):
    now = [1_000_000.0]
    monkeypatch.setattr(windows.time, "time", lambda: now[0])
    monkeypatch.setattr(host_windows.time, "time", lambda: now[0])
    if store == "shared":
        import limits.storage.memory

        monkeypatch.setattr(limits.storage.memory.time, "time", lambda: now[0])
    counter = make(store, tmp_path)
    starts: dict[str, float] = {}
    for offset, key, expected in STEPS:
        now[0] = 1_000_000.0 + offset
        count, end = counter.incr(key, 60)
        if count == 1:
            starts[key] = now[0]
        assert (count, end) == (expected, starts[key] + 60), (offset, key)


@pytest.mark.parametrize("store", ["local", "host"])
def test_ended_windows_are_swept(store, monkeypatch, tmp_path):
    now = [1.0]
    monkeypatch.setattr(windows.time, "time", lambda: now[0])
    monkeypatch.setattr(host_windows.time, "time", lambda: now[0])
    counter = make(store, tmp_path)
    for i in range(100):
        counter.incr(f"ip:{i}", 60)
    now[0] = 121.0
    counter.incr("ip:new", 60)
    assert len(counter) == 1, "callers gone quiet do not pile up"


def test_local_windows_held_are_capped_however_many_callers(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(windows.time, "time", lambda: now[0])
    monkeypatch.setattr(windows, "MAX_WINDOWS", 100)
    counter = LocalWindows()
    for i in range(1000):
        now[0] = i / 100
        counter.incr(f"ip:{i}", 60)
    assert len(counter) == 100
    assert set(counter.windows) == {f"ip:{i}" for i in range(900, 1000)}, "the oldest windows go first"


def test_host_windows_are_a_fixed_table_however_many_callers(monkeypatch, tmp_path):
    now = [1.0]
    monkeypatch.setattr(host_windows.time, "time", lambda: now[0])
    counter = HostWindows(tmp_path, slots=128)
    for i in range(1000):
        now[0] = 1 + i / 100
        assert counter.incr(f"ip:{i}", 60)[0] == 1
    assert len(counter) == 128, "every slot holds an open window; nothing grew"
    assert counter.db_size == 128 * host_windows.SLOT.size
    for _ in range(2):
        counter.incr("ip:last", 60)
    assert counter.incr("ip:last", 60)[0] == 3, "a caller keeps its window while the table is full"
    assert counter.incr("ip:0", 60)[0] == 1, "the windows ending first gave way"


def count_in_child(counter: HostWindows, n: int) -> None:
    for _ in range(n):
        counter.incr("ip:203.0.113.9", 60)


def test_forked_workers_share_the_host_windows(tmp_path):
    counter = HostWindows(tmp_path)
    counter.incr("ip:203.0.113.9", 60)  # the parent's connection exists before the fork, as with preload_app
    fork = multiprocessing.get_context("fork")
    children = [fork.Process(target=count_in_child, args=(counter, 50)) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
    assert [c.exitcode for c in children] == [0, 0]
    assert counter.incr("ip:203.0.113.9", 60)[0] == 102, "two workers and the parent count one window"


def test_a_failed_host_file_degrades_to_counting_per_process(tmp_path, caplog):
    counter = HostWindows(tmp_path)
    counter.incr("ip:a", 60)
    counter.path.unlink()  # as a file gone or unreadable in a new worker: its mapping cannot be made
    counter.pid = 0
    with caplog.at_level(logging.WARNING, logger="service.limits"):
        answers = [counter.incr("ip:a", 60)[0] for _ in range(3)]
    assert answers == [1, 2, 3], "requests are still counted, in this process"
    assert [r.getMessage() for r in caplog.records] == ["rate-limit file failed: each worker now counts alone"]


def test_a_folder_that_cannot_be_made_degrades_at_start(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="service.limits"):
        counter = HostWindows(tmp_path / "missing" / "deeper")
    assert [counter.incr("ip:a", 60)[0] for _ in range(2)] == [1, 2]
    assert len(caplog.records) == 1


@pytest.mark.parametrize(
    ("uri", "kind"), [("host://", HostWindows), ("memory://", LocalWindows), ("memory://x", LocalWindows)]
)
def test_the_storage_uri_picks_the_store(uri, kind):
    assert isinstance(windows_for(uri), kind)


def test_the_host_folder_is_private_and_removed_by_its_maker_only(tmp_path):
    counter = HostWindows(tmp_path)
    folder = counter.path.parent
    assert folder.parent == tmp_path and oct(folder.stat().st_mode & 0o777) == "0o700"
    host_windows.remove_if_owner(str(folder), owner=-1)
    assert folder.exists(), "a forked worker leaves the folder to the process that made it"
    host_windows.remove_if_owner(str(folder), owner=__import__("os").getpid())
    assert not folder.exists()


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
