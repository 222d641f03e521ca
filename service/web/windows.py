"""Fixed-window counters for rate limits: shared by this host's workers (the default), per process, or in Redis."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

MAX_WINDOWS = 50_000  # per process, about 10 MB: callers beyond it take the oldest windows' places
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
        from service.web.host_windows import HostWindows

        return HostWindows()
    return LocalWindows() if uri.startswith("memory://") else SharedWindows(uri)
