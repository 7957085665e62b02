"""The cost router: GET /analytics/costs (an organisation's share, for its owners and admins:
`analytics:costs`, the X-Organization-Id header names it) and GET /analytics/costs/platform
(every table, for staff). `from` and `to` are UTC days, both included, at most 366 apart; by
default the last 30 days. Costs are estimates at on-demand prices (see
adapters/dynamodb/cost.py), from units flushed every NEXUS_COST_FLUSH_SECONDS."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from domains.analytics.services.costs import CostReport, CostTotals
from domains.shared.api import tenant_header
from domains.shared.web import feature_tenant, principal_of, require_feature, service

FEATURE = "analytics"
router = Router(tags=["analytics"])


class CostRangeParams(Schema):
    first: date | None = Field(None, alias="from", description="first UTC day (yyyy-mm-dd)")
    last: date | None = Field(None, alias="to", description="last UTC day, included")


class CostTotalsOut(Schema):
    read_units: float
    write_units: float
    request_usd: float
    storage_usd: float
    usd: float


class CostTableOut(CostTotalsOut):
    table: str


class CostDayOut(CostTableOut):
    day: date
    storage_bytes: int | None


class CostReportOut(Schema):
    org_id: str | None = Field(description="the organisation; null in the platform report")
    first_day: date
    last_day: date
    currency: str = "USD"
    days: list[CostDayOut]
    tables: list[CostTableOut]
    totals: CostTotalsOut


def _totals(totals: CostTotals) -> dict[str, float]:
    return {
        "read_units": totals.read_units,
        "write_units": totals.write_units,
        "request_usd": totals.request_usd,
        "storage_usd": totals.storage_usd,
        "usd": totals.usd,
    }


def _report(report: CostReport) -> dict[str, Any]:
    days = [
        {
            "table": d.table,
            "day": d.day,
            "read_units": d.read_units,
            "write_units": d.write_units,
            "request_usd": d.request_usd,
            "storage_bytes": d.storage_bytes,
            "storage_usd": d.storage_usd,
            "usd": d.usd,
        }
        for d in report.days
    ]
    tables = [{"table": name, **_totals(t)} for name, t in report.by_table().items()]
    return {
        "org_id": report.org_id,
        "first_day": report.first,
        "last_day": report.last,
        "days": days,
        "tables": tables,
        "totals": _totals(report.totals),
    }


@router.get("/analytics/costs", response=CostReportOut, openapi_extra=tenant_header())
def org_costs(request: HttpRequest, params: Query[CostRangeParams]) -> Any:
    """The organisation's share of the tables: units of requests made for it, per table and
    day, with their estimated request cost (storage is the platform's)."""
    ctx = feature_tenant(FEATURE)(request)
    selector = service("costs").report()
    return _report(selector.org_report(ctx=ctx, first=params.first, last=params.last))


@router.get("/analytics/costs/platform", response=CostReportOut)
def platform_costs(request: HttpRequest, params: Query[CostRangeParams]) -> Any:
    """Staff only: every table's units per day (requests for organisations, sign-in and
    background jobs alike) with request and storage cost."""
    require_feature(FEATURE)
    principal = principal_of(request)
    selector = service("costs").report()
    return _report(
        selector.platform_report(principal=principal, first=params.first, last=params.last)
    )
