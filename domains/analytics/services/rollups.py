"""Computing roll-ups: hours from the feed, days from their hours, PUT whole (never ADDed).

The feed holds each event once (its id is the event's), so a period computed again from it
gives the same values however often its events were delivered. The feed's consumer marks the
event's hour dirty (after the entry is written); the beat task recomputes dirty hours and
their days, then clears each mark only if nobody re-marked it meanwhile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domains.analytics.metrics import MetricRegistry
from domains.analytics.model import ActivityEntry, entry_from
from domains.analytics.rollup_ports import (
    ActiveOrganisations,
    ActivityWindow,
    DirtyPeriods,
    RollupStore,
)
from domains.analytics.rollups import (
    DAY,
    HOUR,
    STEPS,
    Rollup,
    entry_time,
    period_start,
)
from domains.shared.events import DomainEvent


@dataclass(frozen=True)
class RollupReport:
    """What a run did: hours and days (per organisation) written, dirty marks seen, cleared."""

    hours: int = 0
    days: int = 0
    marks: int = 0
    cleared: int = 0


class RollupService:
    def __init__(
        self,
        *,
        feed: ActivityWindow,
        store: RollupStore,
        dirty: DirtyPeriods,
        metrics: MetricRegistry,
        organisations: ActiveOrganisations,
    ) -> None:
        self._feed = feed
        self._organisations = organisations
        self._store = store
        self._dirty = dirty
        self._metrics = metrics

    def mark(self, event: DomainEvent) -> None:
        """The consumer of domain events (after the feed's): the event's hour is due."""
        entry = entry_from(event)
        if entry is not None:
            self._dirty.mark(entry.org_id, period_start(entry_time(entry), HOUR))

    def roll_up_dirty(self, *, limit: int = 200) -> RollupReport:
        """Recompute up to `limit` dirty hours and their days; clear the marks."""
        marks = self._dirty.pending(limit=limit)
        days: set[tuple[str, datetime]] = set()
        for mark in marks:
            self._write_hour(mark.org_id, mark.hour, self._entries(mark.org_id, mark.hour))
            days.add((mark.org_id, period_start(mark.hour, DAY)))
        for org_id, day in sorted(days):
            self._write_day(org_id, day)
        cleared = sum(self._dirty.clear(mark) for mark in marks)
        return RollupReport(hours=len(marks), days=len(days), marks=len(marks), cleared=cleared)

    def recompute(
        self,
        *,
        org_id: str,
        start: datetime,
        end: datetime,
        granularities: Sequence[str] = (HOUR, DAY),
    ) -> RollupReport:
        """Every hour of [start, end) with activity, from the feed (one paginated Query), and
        the days they fall in from their stored hours; `(DAY,)` only re-combines the days."""
        first, last = period_start(start, DAY), end
        hours = 0
        if HOUR in granularities:
            by_hour = _by_hour(self._feed.entries_between(org_id, start, end))
            for hour, entries in sorted(by_hour.items()):
                hours += self._write_hour(org_id, hour, entries)
        days = 0
        if DAY in granularities:
            day = first
            while day < last:
                days += self._write_day(org_id, day)
                day += STEPS[DAY]
        return RollupReport(hours=hours, days=days)

    def organisations(self, *, start: datetime, end: datetime) -> set[str]:
        return self._organisations.orgs_between(start, end)

    def _entries(self, org_id: str, hour: datetime) -> list[ActivityEntry]:
        return list(self._feed.entries_between(org_id, hour, hour + STEPS[HOUR]))

    def _write_hour(self, org_id: str, hour: datetime, entries: Sequence[ActivityEntry]) -> int:
        """Each metric's measure of the hour, PUT whole; nothing for a quiet hour."""
        if not entries:
            return 0
        for metric in self._metrics:
            self._store.put(Rollup(org_id, metric.name, HOUR, hour, metric.compute(entries)))
        return 1

    def _write_day(self, org_id: str, day: datetime) -> int:
        """Each metric's day, combined from its stored hours (one Query per metric)."""
        last_hour = day + STEPS[DAY] - STEPS[HOUR]
        written = 0
        for metric in self._metrics:
            hours = self._store.window(org_id, metric.name, HOUR, day, last_hour)
            if hours:
                measure = metric.combine([rollup.measure for rollup in hours])
                self._store.put(Rollup(org_id, metric.name, DAY, day, measure))
                written = 1
        return written


def _by_hour(entries: Iterable[ActivityEntry]) -> dict[datetime, list[ActivityEntry]]:
    grouped: dict[datetime, list[ActivityEntry]] = defaultdict(list)
    for entry in entries:
        grouped[period_start(entry_time(entry), HOUR)].append(entry)
    return grouped
