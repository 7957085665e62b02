"""What roll-ups need from storage (implemented in adapters/dynamodb/analytics/rollups.py and,
for the feed's windows, by the activity feed's repository)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from domains.analytics.execution import RunFact
from domains.analytics.model import ActivityEntry
from domains.analytics.rollups import DirtyHour, Rollup


class ActivityWindow(Protocol):
    """The feed read by time: entry ids are ULIDs, so a window is a BETWEEN over ids."""

    def entries_between(
        self, org_id: str, start: datetime, end: datetime
    ) -> Iterator[ActivityEntry]:
        """Every entry of the organisation made in [start, end), oldest first (a consistent,
        paginated Query of its feed partition)."""


class RunWindow(Protocol):
    """Agent runs read by start time (served from the runs' table when agent_builder is on)."""

    def runs_between(self, org_id: str, start: datetime, end: datetime) -> Iterator[RunFact]:
        """Every run of the organisation started in [start, end), oldest first: one paginated
        Query per day touched of the runs' by-day index."""


class ActiveOrganisations(Protocol):
    """Which organisations had activity: for jobs only (the recompute command)."""

    def orgs_between(self, start: datetime, end: datetime) -> set[str]:
        """The organisations with entries made in [start, end): a paginated Scan, for jobs
        only (the recompute command), never for a request."""


class RollupStore(Protocol):
    """Roll-ups by organisation, metric and granularity; a period's item is replaced whole
    (PUT), so recomputing a period leaves exactly its new values."""

    def put(self, rollup: Rollup) -> None: ...

    def window(
        self, org_id: str, metric: str, granularity: str, first: datetime, last: datetime
    ) -> list[Rollup]:
        """The stored periods from `first` to `last` (starts, both included), oldest first:
        one Query (paginated past 1 MB)."""


class DirtyPeriods(Protocol):
    """Hours whose roll-ups are due: marked by the feed's consumer, taken by the beat task."""

    def mark(self, org_id: str, hour: datetime) -> None:
        """Mark (or re-mark, with a new token) the organisation's hour."""

    def pending(self, *, limit: int) -> list[DirtyHour]:
        """Up to `limit` marks, oldest hour first."""

    def clear(self, mark: DirtyHour) -> bool:
        """Remove the mark unless it was re-marked since it was read: True when removed."""
