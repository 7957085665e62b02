"""Records every DynamoDB call (operation, table, index, latency, capacity units)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from adapters.dynamodb.ledger import UnitLedger


@dataclass(frozen=True)
class CallRecord:
    """One call. `table` is the logical name (tables joined by "+" for multi-table calls)."""

    operation: str
    table: str
    index: str | None
    latency_ms: float
    read_units: float
    write_units: float
    items: int
    error: str | None = None
    org_id: str | None = None  # the organisation the call was made for (None: the platform)
    # each table's (table, read, write) part of a multi-table call; empty: all `table`'s
    shares: tuple[tuple[str, float, float], ...] = ()


@dataclass
class CallSummary:
    calls: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    items: int = 0
    latency_ms: float = 0.0


def _add(totals: dict[tuple[str, str], CallSummary], record: CallRecord) -> None:
    total = totals.setdefault((record.operation, record.table), CallSummary())
    total.calls += 1
    total.read_units += record.read_units
    total.write_units += record.write_units
    total.items += record.items
    total.latency_ms += record.latency_ms


class CallRecorder:
    """A thread-safe log of calls; `capture()` collects only the calls made inside a block.

    It keeps the latest `max_records` records (a long-running process must not grow without
    bound) and running totals per (operation, table) over every call since the last clear.
    Its `ledger` keeps the units per (table, day, organisation) until the cost flush takes
    them (`clear()` leaves it alone: it is the report's, not the benchmark's).
    """

    def __init__(self, *, max_records: int = 10_000, ledger: UnitLedger | None = None) -> None:
        self.ledger = ledger or UnitLedger()
        self._lock = threading.Lock()
        self._records: deque[CallRecord] = deque(maxlen=max_records)
        self._totals: dict[tuple[str, str], CallSummary] = {}
        self._captures: list[list[CallRecord]] = []
        self.since = time.time()  # when the running totals started (a rate needs a span)

    def record(self, record: CallRecord) -> None:
        for table, read, write in record.shares or [
            (record.table, record.read_units, record.write_units)
        ]:
            self.ledger.add(table, record.org_id, read, write)
        with self._lock:
            self._records.append(record)
            _add(self._totals, record)
            for captured in self._captures:
                captured.append(record)

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._totals.clear()
            self.since = time.time()

    @contextmanager
    def capture(self) -> Iterator[list[CallRecord]]:
        """Yields a list that fills with the records made until the block ends."""
        captured: list[CallRecord] = []
        with self._lock:
            self._captures.append(captured)
        try:
            yield captured
        finally:
            with self._lock:
                self._captures.remove(captured)

    def summary(
        self, records: Iterable[CallRecord] | None = None
    ) -> dict[tuple[str, str], CallSummary]:
        """Totals per (operation, table): of every call since the last clear, or of `records`."""
        if records is None:
            with self._lock:
                return {k: CallSummary(**vars(v)) for k, v in self._totals.items()}
        totals: dict[tuple[str, str], CallSummary] = {}
        for record in records:
            _add(totals, record)
        return totals
