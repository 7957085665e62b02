"""Roll-ups: an organisation's metrics per hour and per day, computed from its activity feed.

A period is named by its start (`2026-11-22T10` for an hour, `2026-11-22` for a day, UTC).
An entry belongs to the period of its id's time: the id is a ULID made with the event, at the
moment of its `at`, so one BETWEEN over feed ids reads exactly a period's entries. A metric's
value for a period is a `Measure`: named numbers, plus the distinct ids behind a distinct
count (active users), so days combine from hours and totals from periods exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domains.analytics.model import ActivityEntry
from domains.shared.errors import ValidationFailed
from domains.shared.ids import id_timestamp_ms

HOUR = "hour"
DAY = "day"
GRANULARITIES = (HOUR, DAY)
STEPS = {HOUR: timedelta(hours=1), DAY: timedelta(days=1)}
KEY_FORMATS = {HOUR: "%Y-%m-%dT%H", DAY: "%Y-%m-%d"}
MAX_PERIODS = {HOUR: 31 * 24, DAY: 400}
DEFAULT_SPAN = {HOUR: timedelta(hours=23), DAY: timedelta(days=29)}

Number = int | float


@dataclass(frozen=True)
class Measure:
    """A metric's value for one period (or a window): numbers by name, and the distinct ids
    a distinct count was taken of (empty for metrics that only count)."""

    values: Mapping[str, Number] = field(default_factory=dict)
    distinct: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.distinct and not any(self.values.values())


@dataclass(frozen=True)
class Rollup:
    """One metric of one organisation for the period starting at `start`."""

    org_id: str
    metric: str
    granularity: str
    start: datetime
    measure: Measure

    @property
    def key(self) -> str:
        return period_key(self.start, self.granularity)


@dataclass(frozen=True)
class DirtyHour:
    """An hour of an organisation whose feed changed since its roll-ups were computed;
    `token` tells this mark from a later one (clearing a mark re-set meanwhile fails)."""

    org_id: str
    hour: datetime
    token: str


def period_start(moment: datetime, granularity: str) -> datetime:
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if granularity == DAY else moment


def period_key(start: datetime, granularity: str) -> str:
    return start.astimezone(UTC).strftime(KEY_FORMATS[granularity])


def period_of_key(key: str, granularity: str) -> datetime:
    return datetime.strptime(key, KEY_FORMATS[granularity]).replace(tzinfo=UTC)


def periods(first: datetime, last: datetime, granularity: str) -> list[datetime]:
    """Every period start from `first` to `last`, both included."""
    found, moment = [], period_start(first, granularity)
    while moment <= last:
        found.append(moment)
        moment += STEPS[granularity]
    return found


def entry_time(entry: ActivityEntry) -> datetime:
    """When the entry's event was made: the time in its id."""
    return datetime.fromtimestamp(id_timestamp_ms(entry.id) / 1000, UTC)


# -- the dashboard's window ---------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The periods a dashboard shows: `first` to `last` (period starts, both included)."""

    first: datetime
    last: datetime
    granularity: str

    @property
    def periods(self) -> list[datetime]:
        return periods(self.first, self.last, self.granularity)


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{name}: {message}", errors=[{"loc": ["query", name], "msg": message}])


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def dashboard_window(
    *, start: datetime | None, end: datetime | None, granularity: str, now: datetime
) -> Window:
    """The window of the API's `from`, `to` (ISO times, UTC when naive; each stands for the
    period it falls in) and `granularity`; by default the last 24 hours or 30 days.
    ValidationFailed for an unknown granularity, `from` after `to`, or too many periods."""
    if granularity not in GRANULARITIES:
        raise _invalid("granularity", "hour or day")
    last = period_start(_utc(end or now), granularity)
    first = period_start(_utc(start) if start else last - DEFAULT_SPAN[granularity], granularity)
    if first > last:
        raise _invalid("from", "from is after to")
    count = (last - first) // STEPS[granularity] + 1
    if count > MAX_PERIODS[granularity]:
        limit = MAX_PERIODS[granularity]
        raise _invalid("to", f"at most {limit} {granularity}s from `from` to `to`")
    return Window(first, last, granularity)
