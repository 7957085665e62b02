"""What run logs need from storage (implemented in adapters/dynamodb/lab/logs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domains.lab.logs.model import LogEntry
from domains.shared.pagination import Page, PageRequest


@dataclass(frozen=True)
class LogFilter:
    """What a read keeps: severities (None: all), one component, the lines' own time range,
    and positions at most `until` (the settled bound, see services)."""

    until: str
    run_id: str | None = None
    severities: tuple[str, ...] | None = None
    component: str | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None


class LogStore(Protocol):
    def claim_batch(self, org_id: str, experiment_id: str, batch_key: str, at_ms: int) -> int:
        """The write time of batch `batch_key`: `at_ms` the first time, the first call's after
        (so a retried batch gets the same positions and overwrites what landed)."""

    def write(self, entries: Sequence[LogEntry]) -> None:
        """Put the entries (same position: overwritten, never doubled)."""

    def newest(
        self, org_id: str, experiment_id: str, flt: LogFilter, page: PageRequest
    ) -> Page[LogEntry]:
        """Newest position first, signed cursor pages; expired lines left out."""

    def after(
        self, org_id: str, experiment_id: str, flt: LogFilter, since: str, limit: int
    ) -> tuple[list[LogEntry], bool]:
        """Up to `limit` lines with since < position <= flt.until, oldest first, and whether
        more are there."""
