"""The execution analytics router: GET /analytics/execution, agent runs over a window from the
roll-ups (never the runs). Thin: parse, build the window (422 for a bad one) and the filter,
call the selector, shape the summaries. The organisation is the X-Organization-Id header (or
the API key's); `analytics:read` reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from domains.analytics.api_dashboard import DashboardWindowParams
from domains.analytics.execution import Percentile
from domains.analytics.execution_report import ExecutionReport, Summary, execution_filter
from domains.analytics.rollups import dashboard_window
from domains.shared.api import tenant_header
from domains.shared.web import feature_tenant, service

FEATURE = "analytics"
router = Router(tags=["analytics"])


class ExecutionParams(DashboardWindowParams):
    agent_id: str | None = Field(None, min_length=1, max_length=26)
    user_id: str | None = Field(
        None, min_length=1, max_length=40, description="not with agent_id or version"
    )
    version: str | None = Field(None, min_length=1, max_length=64)


class LatencyPercentileOut(Schema):
    value: float = Field(description="the bucket's reported duration (ms)")
    low: float = Field(description="the bucket's lower bound (exclusive, ms)")
    high: float | None = Field(description="the bucket's upper bound (inclusive, ms; None: open)")


class LatencyOut(Schema):
    p50: LatencyPercentileOut | None
    p95: LatencyPercentileOut | None
    p99: LatencyPercentileOut | None
    relative_error: float = Field(description="the most a reported value is off, relatively")


class ExecutionSummaryOut(Schema):
    runs: int
    succeeded: int
    failed: int
    success_rate: float
    failure_rate: float
    tokens_in: int
    tokens_out: int
    cost: str = Field(
        description="the total cost as a decimal string (exact, trailing zeros dropped)"
    )
    timed_runs: int
    mean_latency_ms: float | None
    latency_ms: LatencyOut


class ExecutionPointOut(ExecutionSummaryOut):
    period: datetime


class ExecutionAgentOut(ExecutionSummaryOut):
    agent_id: str


class ExecutionUserOut(ExecutionSummaryOut):
    user_id: str


class ExecutionVersionOut(ExecutionSummaryOut):
    agent_id: str
    version: str


class ExecutionFiltersOut(Schema):
    agent_id: str | None
    user_id: str | None
    version: str | None


class ExecutionAnalyticsOut(Schema):
    granularity: str
    first_period: datetime
    last_period: datetime
    filters: ExecutionFiltersOut
    total: ExecutionSummaryOut
    series: list[ExecutionPointOut]
    by_agent: list[ExecutionAgentOut] | None
    by_user: list[ExecutionUserOut] | None
    by_version: list[ExecutionVersionOut] | None


def _percentile(found: Percentile | None) -> dict[str, Any] | None:
    if found is None:
        return None
    high = None if found.high == float("inf") else found.high
    return {"value": found.value, "low": found.low, "high": high}


def _summary(summary: Summary, **extra: Any) -> dict[str, Any]:
    latency = {name: _percentile(found) for name, found in summary.latency_ms.items()}
    return {
        **extra,
        "runs": summary.runs,
        "succeeded": summary.succeeded,
        "failed": summary.failed,
        "success_rate": summary.success_rate,
        "failure_rate": summary.failure_rate,
        "tokens_in": summary.tokens_in,
        "tokens_out": summary.tokens_out,
        "cost": summary.cost,
        "timed_runs": summary.timed,
        "mean_latency_ms": summary.mean_latency_ms,
        "latency_ms": {**latency, "relative_error": summary.latency_error},
    }


def _out(report: ExecutionReport) -> dict[str, Any]:
    def rows(found: list[Any] | None, shape: Any) -> list[dict[str, Any]] | None:
        return None if found is None else [shape(*row) for row in found]

    return {
        "granularity": report.window.granularity,
        "first_period": report.window.first,
        "last_period": report.window.last,
        "filters": report.filter.__dict__,
        "total": _summary(report.total),
        "series": [_summary(s, period=start) for start, s in report.series],
        "by_agent": rows(report.by_agent, lambda a, s: _summary(s, agent_id=a)),
        "by_user": rows(report.by_user, lambda u, s: _summary(s, user_id=u)),
        "by_version": rows(report.by_version, lambda a, v, s: _summary(s, agent_id=a, version=v)),
    }


@router.get("/analytics/execution", response=ExecutionAnalyticsOut, openapi_extra=tenant_header())
def analytics_execution(request: HttpRequest, params: Query[ExecutionParams]) -> Any:
    """Agent runs over a window (`from`, `to`, `granularity` as the dashboard's): success and
    failure rates, latency p50/p95/p99 (each with its histogram bucket's bounds), tokens and
    cost, per period and in total, and by agent, user and version (at most 100 rows each, the
    rest in `~other`). Filters: `agent_id` and/or `version`, or `user_id` alone; a filtered
    report leaves out the breakdowns the roll-ups cannot cut by the filter (None). From the
    roll-ups (1 to 4 Queries), which trail the runs by about a minute."""
    ctx = feature_tenant(FEATURE)(request)
    now = service("identity").clock().now()
    window = dashboard_window(
        start=params.start, end=params.end, granularity=params.granularity, now=now
    )
    wanted = execution_filter(
        agent_id=params.agent_id, user_id=params.user_id, version=params.version
    )
    report = service("analytics").execution().report(ctx=ctx, window=window, filter=wanted)
    return _out(report)
