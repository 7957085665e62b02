"""The dashboard router: GET /analytics/dashboard, the organisation's roll-ups over a window.
Thin: parse, build the window (422 for a bad one), call the selector, shape the series. The
organisation is the X-Organization-Id header (or the API key's); `analytics:read` reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from domains.analytics.dashboard import MetricSeries
from domains.analytics.rollups import Measure, dashboard_window
from domains.shared.api import tenant_header
from domains.shared.web import feature_tenant, service

FEATURE = "analytics"
router = Router(tags=["analytics"])


class DashboardWindowParams(Schema):
    start: datetime | None = Field(
        None, alias="from", description="ISO 8601 (UTC when naive): its period is the first"
    )
    end: datetime | None = Field(
        None, alias="to", description="ISO 8601 (UTC when naive): its period is the last"
    )
    granularity: Literal["hour", "day"] = Field(
        "day", description="hour (at most 744 periods) or day (at most 400)"
    )


class MetricPointOut(Schema):
    period: datetime
    values: dict[str, int | float]


class MetricSeriesOut(Schema):
    name: str
    series: list[MetricPointOut]
    total: dict[str, int | float]


class AnalyticsDashboardOut(Schema):
    granularity: str
    first_period: datetime
    last_period: datetime
    metrics: list[MetricSeriesOut]


def _values(measure: Measure) -> dict[str, int | float]:
    return dict(measure.values)


def _metric(metric: MetricSeries) -> dict[str, Any]:
    points = [{"period": start, "values": _values(m)} for start, m in metric.series]
    return {"name": metric.name, "series": points, "total": _values(metric.total)}


@router.get("/analytics/dashboard", response=AnalyticsDashboardOut, openapi_extra=tenant_header())
def analytics_dashboard(request: HttpRequest, params: Query[DashboardWindowParams]) -> Any:
    """Each metric's values per period (quiet periods included, as zeros) and its total over
    the window (counts added up; active users counted once however many periods they were
    active in): one Query per metric. Roll-ups trail the activity by about a minute."""
    ctx = feature_tenant(FEATURE)(request)
    now = service("identity").clock().now()
    window = dashboard_window(
        start=params.start, end=params.end, granularity=params.granularity, now=now
    )
    metrics = service("analytics").dashboard().dashboard(ctx=ctx, window=window)
    return {
        "granularity": window.granularity,
        "first_period": window.first,
        "last_period": window.last,
        "metrics": [_metric(metric) for metric in metrics],
    }
