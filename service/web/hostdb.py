"""A SQLite file shared by the processes of this host (gunicorn's workers): a private folder, a connection per process."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path


def owned_folder(folder: Path) -> Path:
    """`folder`, created 0700 if missing; refused if another user could write to it or it is a symlink."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ValueError(f"{folder}: shared state needs a folder only this user owns and opens (mode 0700)")
    return folder


class HostDatabase:
    """One SQLite file; `connection()` is this process's own (never one inherited across gunicorn's fork).

    Hold `lock` while using the connection: a worker may run threads (GUNICORN_THREADS).
    """

    def __init__(self, path: Path, schema: str) -> None:
        self.path, self.schema = path, schema
        self.lock = threading.Lock()
        self.pid = 0
        self.conn: sqlite3.Connection | None = None
        self.open().close()  # fail at start-up, not on the first request, if the file cannot be made

    def open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # counts and claims outlive a crashed process, not a crashed host
        conn.execute(self.schema)
        return conn

    def connection(self) -> sqlite3.Connection:
        if self.conn is None or self.pid != os.getpid():
            self.conn, self.pid = self.open(), os.getpid()
        return self.conn
