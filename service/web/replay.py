"""Remembered JWT ids (jti) shared by every worker: a SQLite file on this host, or the shared `limits` storage.

Each gunicorn worker is its own process, so a dict per process let a token through once per worker. The host store
is one SQLite database in a folder only this user may open; a shared RATE_LIMIT_STORAGE_URI (redis://...) also
covers the replicas on other hosts.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

from service.web.hostdb import HostDatabase, owned_folder
from service.web.windows import HOST

SWEEP_SECONDS = 60  # how often one process deletes expired ids (each claim already ignores them)


class ReplayStore(Protocol):
    def claim(self, key: str, until: float) -> bool:
        """True for the first claim of `key` before `until` (epoch seconds), False while an earlier one holds."""


class HostStore:
    """Claims in a SQLite table with a unique key: one atomic upsert decides, across processes of this host."""

    def __init__(self, folder: Path) -> None:
        schema = "CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, until REAL NOT NULL) WITHOUT ROWID"
        self.db = HostDatabase(owned_folder(folder) / "jti.sqlite3", schema)
        self.next_sweep = 0.0

    def claim(self, key: str, until: float) -> bool:
        now = time.time()
        with self.db.lock:
            conn = self.db.connection()
            if now >= self.next_sweep:
                conn.execute("DELETE FROM seen WHERE until < ?", (now,))
                self.next_sweep = now + SWEEP_SECONDS
            cursor = conn.execute(
                "INSERT INTO seen (key, until) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE seen.until < ?",
                (key, until, now),
            )
            return cursor.rowcount == 1


class SharedStore:
    """Claims in a `limits` storage shared by replicas: an atomic counter per id that expires with the token."""

    def __init__(self, uri: str) -> None:
        from limits.storage import storage_from_string

        self.storage: Any = storage_from_string(uri)

    def claim(self, key: str, until: float) -> bool:
        return int(self.storage.incr("sciatica-jti/" + key, max(1, int(until - time.time()) + 1))) == 1


def default_folder() -> Path:
    """One folder per user under gunicorn's worker tmp dir (WORKER_TMP_DIR, as service/gunicorn_conf.py reads it)."""
    return Path(os.environ.get("WORKER_TMP_DIR") or tempfile.gettempdir()) / f"sciatica-jti-{os.getuid()}"


def store_for(storage_uri: str, folder: Path | None = None) -> ReplayStore:
    """host:// or memory:// rate limits: the host store; any other `limits` storage URI (redis://...): that storage."""
    if storage_uri.startswith((HOST, "memory://")):
        return HostStore(folder or default_folder())
    return SharedStore(storage_uri)


def replay_key(iss: str, jti: str) -> str:
    """A fixed-length key for an issuer's jti (neither is stored as sent)."""
    return hashlib.sha256(f"{iss}\0{jti}".encode()).hexdigest()
