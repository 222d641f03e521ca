"""Fixed-window counters for rate limits: shared by this host's workers (the default), per process, or in Redis."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from service.web.hostdb import HostDatabase

MAX_WINDOWS = 50_000  # per store, about 10 MB: callers beyond it take the oldest windows' places
SWEEP_SECONDS = 10  # how often a process deletes ended windows (and the oldest past MAX_WINDOWS) from the host file
UPSERT = (  # one statement: a caller's count goes on in an open window, or restarts at 1 in a new one
    "INSERT INTO windows (key, until, n) VALUES (?1, ?2, 1) ON CONFLICT (key) DO UPDATE SET "
    "n = CASE WHEN until > ?3 THEN n + 1 ELSE 1 END, until = CASE WHEN until > ?3 THEN until ELSE ?2 END "
    "RETURNING n, until"
)
log = logging.getLogger("service.limits")
HOST = "host://"  # RATE_LIMIT_STORAGE_URI of the default store


class Windows(Protocol):
    def incr(self, key: str, seconds: int) -> tuple[int, float]:
        """Count one request in the key's current window (opening one if none is open): (count, window end)."""

    def __len__(self) -> int:
        """Windows held (open, or ended and not yet swept)."""


class LocalWindows:
    """Windows in a dict of this process, at most MAX_WINDOWS. `limits`' memory storage starts a timer thread every
    10 ms while keys exist (about 5% of a content request's throughput here); expired windows are swept here instead."""

    def __init__(self) -> None:
        self.windows: dict[str, list[float]] = {}  # key -> [window end, count], oldest window first
        self.lock = threading.Lock()
        self.next_sweep = 0.0

    def incr(self, key: str, seconds: int) -> tuple[int, float]:
        now = time.time()
        with self.lock:
            window = self.windows.get(key)
            if window is None or window[0] <= now:
                if now >= self.next_sweep:
                    self.windows = {k: w for k, w in self.windows.items() if w[0] > now}
                    self.next_sweep = now + seconds
                self.windows.pop(key, None)  # reopened at the end: the dict stays in order of opening
                while len(self.windows) >= MAX_WINDOWS:
                    del self.windows[next(iter(self.windows))]
                window = self.windows[key] = [now + seconds, 0]
            window[1] += 1
            return int(window[1]), window[0]

    def __len__(self) -> int:
        return len(self.windows)


class HostWindows:
    """Windows in a SQLite file that the app makes at start-up and the workers gunicorn forks from it share
    (preload_app), so N workers allow the limit once, not N times. ~20-35 us a request on this machine.

    The file's folder is removed when the process that made it exits. Should the file fail (a full disk), counting
    goes on in each process's memory, with one warning: degraded, never down.
    """

    def __init__(self, parent: Path | None = None) -> None:
        folder = tempfile.mkdtemp(prefix="sciatica-rates-", dir=parent or os.environ.get("WORKER_TMP_DIR") or None)
        atexit.register(remove_if_owner, folder, os.getpid())
        schema = "CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, until REAL, n INTEGER) WITHOUT ROWID"
        self.db = HostDatabase(Path(folder) / "windows.sqlite3", schema)
        self.next_sweep = 0.0
        self.fallback: LocalWindows | None = None

    def incr(self, key: str, seconds: int) -> tuple[int, float]:
        if self.fallback is None:
            try:
                return self.count(key, seconds, time.time())
            except sqlite3.Error as exc:
                log.warning(
                    "rate-limit file failed: each worker now counts alone", extra={"fields": {"error": str(exc)}}
                )
                self.fallback = LocalWindows()
        return self.fallback.incr(key, seconds)

    def count(self, key: str, seconds: int, now: float) -> tuple[int, float]:
        with self.db.lock:
            conn = self.db.connection()
            if now >= self.next_sweep:
                conn.execute("DELETE FROM windows WHERE until <= ?", (now,))
                conn.execute(
                    "DELETE FROM windows WHERE key IN (SELECT key FROM windows ORDER BY until DESC LIMIT -1 OFFSET ?)",
                    (MAX_WINDOWS,),
                )
                self.next_sweep = now + min(seconds, SWEEP_SECONDS)
            n, until = conn.execute(UPSERT, (key, now + seconds, now)).fetchone()
        return int(n), float(until)

    def __len__(self) -> int:
        if self.fallback is not None:
            return len(self.fallback)
        with self.db.lock:
            return int(self.db.connection().execute("SELECT count(*) FROM windows").fetchone()[0])


def remove_if_owner(folder: str, owner: int) -> None:
    """At exit of the process that made `folder` (gunicorn's workers run atexit too, and must leave it)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


class SharedWindows:
    """Windows in a `limits` storage shared by workers and replicas (redis://...)."""

    def __init__(self, uri: str) -> None:
        from limits.storage import storage_from_string  # imported only here: ~0.1 s of start-up otherwise

        self.storage: Any = storage_from_string(uri)  # redis:// storages are synchronous

    def incr(self, key: str, seconds: int) -> tuple[int, float]:
        count = self.storage.incr(key, seconds)
        return count, self.storage.get_expiry(key)

    def __len__(self) -> int:
        return -1  # not known: the storage holds other keys too (JWT ids)


def windows_for(uri: str) -> Windows:
    """host:// shared by this host's workers; memory:// per process; any other `limits` storage URI (redis://...)."""
    if uri.startswith(HOST):
        return HostWindows()
    return LocalWindows() if uri.startswith("memory://") else SharedWindows(uri)
