"""The dashboard's item counts, kept per process for a few minutes.

Counting asks DescribeTable of every table (42 with every feature on) and ListTables, while
the ItemCount it reads is refreshed by DynamoDB only about every six hours: recounting on
each view costs calls and learns nothing. The counts are kept per store (the client they
were read through), so a process pointed at another endpoint never shows the last one's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

COUNTS_TTL_SECONDS = 300.0


@dataclass(frozen=True)
class Counted(Generic[T]):
    rows: T
    taken_at: float  # by the cache's clock
    wall_time: float  # for "as of" on the page

    def age(self, now: float) -> float:
        return now - self.taken_at


class ItemCountCache(Generic[T]):
    """One snapshot, recomputed when older than `ttl_seconds`, on `refresh`, or for another
    `store`. Computing holds the lock: concurrent views wait for one count, not make many."""

    def __init__(
        self,
        *,
        ttl_seconds: float = COUNTS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._store: Any = None
        self._snapshot: Counted[T] | None = None

    def get(self, store: Any, compute: Callable[[], T], *, refresh: bool = False) -> Counted[T]:
        with self._lock:
            now, kept = self._clock(), self._snapshot
            fresh = kept is not None and self._store == store and kept.age(now) < self.ttl_seconds
            if kept is not None and fresh and not refresh:
                return kept
            self._snapshot = Counted(compute(), now, time.time())
            self._store = store
            return self._snapshot
