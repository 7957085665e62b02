"""Computing roll-ups: hours from the feed, days from their hours, PUT whole (never ADDed).

The feed holds each event once (its id is the event's), so a period computed again from it
gives the same values however often its events were delivered. The feed's consumer marks the
event's hour dirty (after the entry is written); the beat task recomputes dirty hours and
their days, then clears each mark only if nobody re-marked it meanwhile.

Agent runs (when a RunWindow is bound: feature agent_builder) are rolled up the same way: an
`AgentRunLogged` event marks the hour of the run's `started_at` (a run logged late counts in
its hour), and an hour's recompute reads its runs (one Query of the runs' by-day index) for
the run metrics, so an hour with runs and no feed activity is written too. The runs' index is
eventually consistent: the mark is made when the relay delivers the event, after the run's
write, and the hour is read on the next beat tick (a minute on), by then long indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domains.analytics.execution import RunFact
from domains.analytics.metrics import (
    MetricCalculator,
    MetricRegistry,
    RunMetricCalculator,
    RunMetricRegistry,
)
from domains.analytics.model import ActivityEntry, entry_from
from domains.analytics.rollup_ports import (
    ActiveOrganisations,
    ActivityWindow,
    DirtyPeriods,
    RollupStore,
    RunWindow,
)
from domains.analytics.rollups import (
    DAY,
    HOUR,
    STEPS,
    DirtyHour,
    Rollup,
    entry_time,
    period_start,
)
from domains.shared.clock import parse_iso
from domains.shared.events import DomainEvent

RUN_LOGGED = "AgentRunLogged"


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
        runs: RunWindow | None = None,
        run_metrics: RunMetricRegistry | None = None,
    ) -> None:
        self._feed = feed
        self._runs = runs
        self._run_metrics = run_metrics if runs is not None and run_metrics else None
        self._organisations = organisations
        self._store = store
        self._dirty = dirty
        self._metrics = metrics

    def mark(self, event: DomainEvent) -> None:
        """The consumer of domain events (after the feed's): the event's hour is due."""
        entry = entry_from(event)
        if entry is None:
            return
        hour = period_start(entry_time(entry), HOUR)
        self._dirty.mark(entry.org_id, hour)
        started = _started(event) if event.name == RUN_LOGGED else None
        if self._run_metrics is not None and started is not None:
            run_hour = period_start(started, HOUR)
            if run_hour != hour:
                self._dirty.mark(entry.org_id, run_hour)

    def roll_up_dirty(self, *, limit: int = 200) -> RollupReport:
        """Recompute up to `limit` dirty hours and their days; clear the marks."""
        marks = self._dirty.pending(limit=limit)
        days: set[tuple[str, datetime]] = set()
        for mark in marks:
            entries = self._entries(mark.org_id, mark.hour)
            self._write_hour(mark.org_id, mark.hour, entries, self._hour_runs(mark))
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
            runs_by_hour = self._runs_by_hour(org_id, start, end)
            for hour in sorted(by_hour.keys() | runs_by_hour.keys()):
                entries, runs = by_hour.get(hour, []), runs_by_hour.get(hour, [])
                hours += self._write_hour(org_id, hour, entries, runs)
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

    def _hour_runs(self, mark: DirtyHour) -> list[RunFact]:
        if self._runs is None or self._run_metrics is None:
            return []
        return list(self._runs.runs_between(mark.org_id, mark.hour, mark.hour + STEPS[HOUR]))

    def _runs_by_hour(
        self, org_id: str, start: datetime, end: datetime
    ) -> dict[datetime, list[RunFact]]:
        grouped: dict[datetime, list[RunFact]] = defaultdict(list)
        if self._runs is not None and self._run_metrics is not None:
            for run in self._runs.runs_between(org_id, start, end):
                grouped[period_start(run.started_at, HOUR)].append(run)
        return grouped

    def _write_hour(
        self,
        org_id: str,
        hour: datetime,
        entries: Sequence[ActivityEntry],
        runs: Sequence[RunFact] = (),
    ) -> int:
        """Each metric's measure of the hour, PUT whole: the feed's metrics when the hour has
        entries, the runs' when it has runs; nothing for a quiet hour."""
        if entries:
            for metric in self._metrics:
                self._store.put(Rollup(org_id, metric.name, HOUR, hour, metric.compute(entries)))
        if runs and self._run_metrics is not None:
            for run_metric in self._run_metrics:
                measure = run_metric.compute(runs)
                self._store.put(Rollup(org_id, run_metric.name, HOUR, hour, measure))
        return int(bool(entries) or bool(runs and self._run_metrics is not None))

    def _combiners(self) -> list[MetricCalculator | RunMetricCalculator]:
        return [*self._metrics, *(self._run_metrics or ())]

    def _write_day(self, org_id: str, day: datetime) -> int:
        """Each metric's day, combined from its stored hours (one Query per metric)."""
        last_hour = day + STEPS[DAY] - STEPS[HOUR]
        written = 0
        for metric in self._combiners():
            hours = self._store.window(org_id, metric.name, HOUR, day, last_hour)
            if hours:
                measure = metric.combine([rollup.measure for rollup in hours])
                self._store.put(Rollup(org_id, metric.name, DAY, day, measure))
                written = 1
        return written


def _started(event: DomainEvent) -> datetime | None:
    """The run's start an AgentRunLogged event names: ISO text as published, or a datetime
    as the outbox hands `*_at` values back."""
    started = event.data.get("started_at")
    if isinstance(started, datetime):
        return started
    return parse_iso(started) if isinstance(started, str) and started else None


def _by_hour(entries: Iterable[ActivityEntry]) -> dict[datetime, list[ActivityEntry]]:
    grouped: dict[datetime, list[ActivityEntry]] = defaultdict(list)
    for entry in entries:
        grouped[period_start(entry_time(entry), HOUR)].append(entry)
    return grouped
