"""Rate-limit windows shared by the workers of one server: a fixed table in a memory-mapped file.

The app makes the file before gunicorn forks its workers (preload_app); each worker maps it and takes a POSIX record
lock around each count (released by the kernel if a worker dies holding it). A SQLite table did the same at 20-60 us
a request under two workers' contention, a fifth of a content GET; this costs a few microseconds.

Each slot holds a caller's key digest, its window's end and its count. A key lives in one of PROBE slots after its
hash; when all are taken by open windows, the one ending first gives way (many callers cost memory never, at worst
an early new window for a quiet one).
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import logging
import mmap
import os
import shutil
import struct
import tempfile
import threading
import time
from pathlib import Path

from service.web.windows import LocalWindows

SLOT = struct.Struct("<16sdq")  # key digest, window end (epoch seconds), count
SLOTS = 1 << 16  # 65,536 windows in 2 MiB
PROBE = 8
log = logging.getLogger("service.limits")


class HostWindows:
    """Fixed windows counted in the shared table; per process (LocalWindows) with one warning if the file fails."""

    def __init__(self, parent: Path | None = None, slots: int = SLOTS) -> None:
        self.slots, self.db_size = slots, slots * SLOT.size
        self.lock = threading.Lock()  # a worker may run threads (GUNICORN_THREADS)
        self.pid, self.fd = 0, -1
        self.map: mmap.mmap | None = None
        self.fallback: LocalWindows | None = None
        try:
            folder = tempfile.mkdtemp(prefix="sciatica-rates-", dir=parent or os.environ.get("WORKER_TMP_DIR") or None)
            atexit.register(remove_if_owner, folder, os.getpid())
            self.path = Path(folder) / "windows"
            with open(self.path, "wb") as f:
                f.write(bytes(self.db_size))  # written, not truncated: a full disk fails here, not as a SIGBUS later
        except OSError as exc:
            self.degrade(exc)

    def degrade(self, exc: Exception) -> None:
        log.warning("rate-limit file failed: each worker now counts alone", extra={"fields": {"error": str(exc)}})
        self.fallback = LocalWindows()

    def mapped(self) -> mmap.mmap:
        """This process's mapping (opened again after a fork: a lock is owned by the process that takes it)."""
        if self.map is None or self.pid != os.getpid():
            self.fd = os.open(self.path, os.O_RDWR)
            self.map, self.pid = mmap.mmap(self.fd, self.db_size), os.getpid()
        return self.map

    def incr(self, key: str, seconds: int) -> tuple[int, float]:
        if self.fallback is None:
            try:
                return self.count(key, seconds, time.time())
            except (OSError, ValueError) as exc:
                self.degrade(exc)
        assert self.fallback is not None
        return self.fallback.incr(key, seconds)

    def count(self, key: str, seconds: int, now: float) -> tuple[int, float]:
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        first = int.from_bytes(digest[:8], "little") % self.slots
        with self.lock:
            table = self.mapped()
            fcntl.lockf(self.fd, fcntl.LOCK_EX)
            try:
                free, oldest, oldest_end = -1, -1, float("inf")
                for i in range(PROBE):
                    offset = ((first + i) % self.slots) * SLOT.size
                    held, end, n = SLOT.unpack_from(table, offset)
                    if held == digest:
                        n, end = (n + 1, end) if end > now else (1, now + seconds)
                        SLOT.pack_into(table, offset, digest, end, n)
                        return n, end
                    if end <= now and free < 0:
                        free = offset
                    if end < oldest_end:
                        oldest, oldest_end = offset, end
                SLOT.pack_into(table, free if free >= 0 else oldest, digest, now + seconds, 1)
                return 1, now + seconds
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def __len__(self) -> int:
        """Open windows."""
        if self.fallback is not None:
            return len(self.fallback)
        now = time.time()
        with self.lock:
            table = self.mapped()
            return sum(1 for _, end, _ in SLOT.iter_unpack(table) if end > now)


def remove_if_owner(folder: str, owner: int) -> None:
    """At exit of the process that made `folder` (gunicorn's workers run atexit too, and must leave it)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
