"""The cost ledger: capacity units recorded since the last flush, per (table, day, org).

Every metered call adds its read and write units under the UTC day it was made, its table
(a multi-table call adds each table's share, see shares.py; without shares, its first table)
and the organisation it was made for (None: platform work). `take()` hands the deltas to a flush and
starts afresh. Calls made inside
`unmetered()` (the flush's own writes) are left out, so a flush never feeds the next one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_unmetered: ContextVar[bool] = ContextVar("nexus_cost_unmetered", default=False)


@dataclass(frozen=True)
class LedgerKey:
    table: str
    day: str  # yyyy-mm-dd (UTC)
    org_id: str | None


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0

    def add(self, read: float, write: float) -> None:
        self.read += read
        self.write += write


def utc_day(moment: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(moment))


@contextmanager
def unmetered() -> Iterator[None]:
    """Calls made inside the block (in this thread or task) stay out of the ledger."""
    token = _unmetered.set(True)
    try:
        yield
    finally:
        _unmetered.reset(token)


class UnitLedger:
    """Thread-safe; bounded by tables x days x organisations active between two flushes."""

    def __init__(self, *, now: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._now = now
        self._pending: dict[LedgerKey, Units] = {}

    def add(self, table: str, org_id: str | None, read: float, write: float) -> None:
        if not table or (read == 0 and write == 0) or _unmetered.get():
            return
        key = LedgerKey(table.split("+")[0], utc_day(self._now()), org_id)
        with self._lock:
            self._pending.setdefault(key, Units()).add(read, write)

    def take(self) -> dict[LedgerKey, Units]:
        """The deltas since the last take; the ledger starts afresh."""
        with self._lock:
            taken, self._pending = self._pending, {}
        return taken

    def pending(self) -> dict[LedgerKey, Units]:
        with self._lock:
            return {k: Units(v.read, v.write) for k, v in self._pending.items()}
