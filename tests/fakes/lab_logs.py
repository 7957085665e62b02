"""An in-memory fake of the run logs store: the unit tier drives the log service with it, and
the contract suite holds it to DynamoDB's (tests/contract/lab/test_log_store.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domains.lab.logs.model import LogEntry, position
from domains.lab.logs.ports import LogFilter
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first

EARLY = timedelta(minutes=5)  # as the store's: a line is written no earlier than its time - 5m


@dataclass
class InMemoryLogStore:
    clock: Any
    lines: dict[tuple[str, str, str], LogEntry] = field(default_factory=dict)
    claims: dict[tuple[str, str, str], int] = field(default_factory=dict)
    writes: int = 0

    def claim_batch(self, org_id: str, experiment_id: str, batch_key: str, at_ms: int) -> int:
        return self.claims.setdefault((org_id, experiment_id, batch_key), at_ms)

    def write(self, entries: Sequence[LogEntry]) -> None:
        self.writes += 1
        for e in entries:
            self.lines[(e.org_id, e.experiment_id, position(e))] = e

    def _kept(self, org_id: str, experiment_id: str, flt: LogFilter) -> list[LogEntry]:
        now: datetime = self.clock.now()
        return [
            e
            for (o, x, at), e in self.lines.items()
            if o == org_id
            and x == experiment_id
            and at <= flt.until
            and e.expires_at > now
            and flt.run_id in (None, e.run_id)
            and flt.component in (None, e.component)
            and (flt.severities is None or e.severity in flt.severities)
            and (flt.time_from is None or e.timestamp >= flt.time_from)
            and (flt.time_to is None or e.timestamp <= flt.time_to)
        ]

    def newest(
        self, org_id: str, experiment_id: str, flt: LogFilter, page: PageRequest
    ) -> Page[LogEntry]:
        scope = (org_id, experiment_id, flt.run_id, flt.component, flt.severities)
        kept = self._kept(org_id, experiment_id, flt)
        return newest_first(kept, page, scope=scope, key=lambda e: (position(e),))

    def after(
        self, org_id: str, experiment_id: str, flt: LogFilter, since: str, limit: int
    ) -> tuple[list[LogEntry], bool]:
        later = sorted(
            (e for e in self._kept(org_id, experiment_id, flt) if position(e) > since),
            key=position,
        )
        return later[:limit], len(later) > limit
