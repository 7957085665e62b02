"""The cost flush: each process's ledger of capacity units into `aggregated-analytics`.

One flush takes the deltas the ledger gathered since the last one and writes them with `ADD`
(never read-modify-write): one UpdateItem per (table, day) - every unit of the table that day,
with the table's size (DescribeTable's TableSizeBytes, cached) - and one per (organisation,
table, day) for the units of requests made for an organisation. Its own writes are unmetered,
so a flush after no new calls writes nothing.

Crash semantics (an estimate, not a bill): the ledger lives in process memory, so a process
killed between two flushes loses the units of that interval (at most one interval of that
process; a clean exit flushes, best effort). A write that fails stays in the flusher's backlog
and is retried by the next flush; when the failure was ambiguous (the add applied but its
answer was lost) that delta is counted once more. Nothing else is lost or doubled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from adapters.dynamodb.aggregated_keys import AGGREGATES_TABLE, cost_org_key, cost_table_key
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.ledger import Units, unmetered
from domains.shared.errors import DomainError

log = logging.getLogger("nexus.cost")
Target = tuple[str | None, str, str]  # (org_id or None for the table's own item, table, day)


@dataclass(frozen=True)
class CostFlushReport:
    busy: bool = False
    table_items: int = 0
    org_items: int = 0
    failed: int = 0  # writes left in the backlog for the next flush

    @property
    def items(self) -> int:
        return self.table_items + self.org_items


def _number(value: float) -> dict[str, str]:
    return {"N": format(value, ".6f")}


class CostFlusher:
    def __init__(
        self,
        client: DynamoClient,
        *,
        interval: float,
        size_ttl: float = 3600.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ledger = client.recorder.ledger
        self._interval = interval
        self._size_ttl = size_ttl
        self._now = now
        self._lock = threading.Lock()
        self._last = now()
        self._backlog: dict[Target, Units] = {}
        self._sizes: dict[str, tuple[float, int | None]] = {}

    def due(self) -> bool:
        return self._now() - self._last >= self._interval

    def maybe_flush(self) -> CostFlushReport | None:
        """Flush when the interval has passed since the last flush."""
        return self.flush() if self.due() else None

    def flush(self) -> CostFlushReport:
        """Write the deltas since the last flush; returns at once when another thread is."""
        if not self._lock.acquire(blocking=False):
            return CostFlushReport(busy=True)
        try:
            with unmetered():
                return self._flush()
        finally:
            self._lock.release()

    def _targets(self) -> dict[Target, Units]:
        targets, self._backlog = self._backlog, {}
        for key, units in self._ledger.take().items():
            keys: list[Target] = [(None, key.table, key.day)]
            if key.org_id is not None:
                keys.append((key.org_id, key.table, key.day))
            for target in keys:
                targets.setdefault(target, Units()).add(units.read, units.write)
        return targets

    def _flush(self) -> CostFlushReport:
        self._last = self._now()
        targets = self._targets()
        done = {"table": 0, "org": 0}
        for target, units in sorted(targets.items(), key=lambda t: (t[0][0] or "", t[0][1:])):
            if self._backlog:  # an earlier write failed: keep the rest for the next flush
                self._backlog[target] = units
                continue
            try:
                self._write(target, units)
            except (DomainError, ConnectionError, TimeoutError) as e:
                log.warning("cost flush: %s left for the next flush: %s", target, e)
                self._backlog[target] = units
                continue
            done["org" if target[0] else "table"] += 1
        return CostFlushReport(False, done["table"], done["org"], len(self._backlog))

    def _write(self, target: Target, units: Units) -> None:
        org_id, table, day = target
        values = {":r": _number(units.read), ":w": _number(units.write), ":t": {"S": table}}
        values[":d"] = {"S": day}
        sets = ["#table = :t", "#day = :d"]
        if org_id is None:
            key = cost_table_key(table, day)
            values |= {":g1": {"S": key.pop("gsi1pk")}, ":g2": {"S": key.pop("gsi1sk")}}
            sets += ["gsi1pk = :g1", "gsi1sk = :g2"]
            size = self.table_size(table)
            if size is not None:
                values[":b"] = {"N": str(size)}
                sets.append("table_bytes = :b")
        else:
            key = cost_org_key(org_id, table, day)
            values[":o"] = {"S": org_id}
            sets.append("org_id = :o")
        self._client.update_item(
            AGGREGATES_TABLE,
            Key={name: {"S": value} for name, value in key.items()},
            UpdateExpression="ADD read_units :r, write_units :w SET " + ", ".join(sets),
            ExpressionAttributeNames={"#table": "table", "#day": "day"},
            ExpressionAttributeValues=values,
        )

    def table_size(self, table: str) -> int | None:
        """TableSizeBytes (DynamoDB refreshes it about every six hours), cached `size_ttl`."""
        cached = self._sizes.get(table)
        if cached is not None and self._now() - cached[0] < self._size_ttl:
            return cached[1]
        try:
            size: int | None = int(self._client.describe_table(table)["Table"]["TableSizeBytes"])
        except (DomainError, KeyError, ValueError):
            size = None
        self._sizes[table] = (self._now(), size)
        return size
