"""The cost report: DynamoDB capacity per table and day, with its estimated on-demand cost.

Two views of the same flushed units (adapters/dynamodb/cost_flush.py writes them):
- an organisation's share, for its owners and admins (`analytics:costs`): the units of the
  requests made for it (attributed when the API resolved its tenant), request cost only;
- the platform's, for staff: every table's units, attributed or not (sign-in, background jobs
  and other work for no organisation are only here), with the tables' storage.
A range is whole UTC days, both ends included, at most 366 of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from domains.shared.clock import Clock
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.permissions import Permission
from domains.shared.tenancy import Principal, TenantContext

MAX_DAYS = 366
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class CostDay:
    """One table's units and estimated cost on one day."""

    table: str
    day: str  # yyyy-mm-dd
    read_units: float
    write_units: float
    request_usd: float
    storage_bytes: int | None = None  # the table's size that day (platform report only)
    storage_usd: float = 0.0

    @property
    def usd(self) -> float:
        return self.request_usd + self.storage_usd


@dataclass(frozen=True)
class CostTotals:
    read_units: float = 0.0
    write_units: float = 0.0
    request_usd: float = 0.0
    storage_usd: float = 0.0

    @property
    def usd(self) -> float:
        return self.request_usd + self.storage_usd


@dataclass(frozen=True)
class CostReport:
    first: date
    last: date
    org_id: str | None  # None: the platform report
    days: list[CostDay] = field(default_factory=list)

    @property
    def totals(self) -> CostTotals:
        return CostTotals(
            sum(d.read_units for d in self.days),
            sum(d.write_units for d in self.days),
            sum(d.request_usd for d in self.days),
            sum(d.storage_usd for d in self.days),
        )

    def by_table(self) -> dict[str, CostTotals]:
        tables: dict[str, list[CostDay]] = {}
        for day in self.days:
            tables.setdefault(day.table, []).append(day)
        return {
            name: CostReport(self.first, self.last, self.org_id, rows).totals
            for name, rows in sorted(tables.items())
        }


class CostReader(Protocol):
    """The flushed units, priced. Queries only: one partition per organisation, the month
    index for every table."""

    def org_days(self, org_id: str, first: date, last: date) -> list[CostDay]:
        """The organisation's attributed units per table and day, by day then table."""

    def platform_days(self, first: date, last: date) -> list[CostDay]:
        """Every table's units per day (and its size), by day then table."""


def check_range(first: date, last: date) -> None:
    if first > last:
        raise ValidationFailed(
            "from is after to", errors=[{"loc": ["query", "from"], "msg": "after to"}]
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            f"a report spans at most {MAX_DAYS} days",
            errors=[{"loc": ["query", "to"], "msg": f"more than {MAX_DAYS} days after from"}],
        )


class CostReportSelector:
    def __init__(self, *, reader: CostReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    def _range(self, first: date | None, last: date | None) -> tuple[date, date]:
        """The asked range; by default the last 30 days up to today (UTC)."""
        last = last or self._clock.now().date()
        first = first or last - timedelta(days=DEFAULT_DAYS - 1)
        check_range(first, last)
        return first, last

    def org_report(
        self, *, ctx: TenantContext, first: date | None, last: date | None
    ) -> CostReport:
        ctx.require(Permission.ANALYTICS_COSTS)
        first, last = self._range(first, last)
        return CostReport(first, last, ctx.org_id, self._reader.org_days(ctx.org_id, first, last))

    def platform_report(
        self, *, principal: Principal, first: date | None, last: date | None
    ) -> CostReport:
        if not principal.is_staff:
            raise Forbidden("the platform's cost report is for staff")
        first, last = self._range(first, last)
        return CostReport(first, last, None, self._reader.platform_days(first, last))
