"""Reading the dashboard: each metric's series over a window and its total, one Query per
metric (the roll-ups of one organisation, metric and granularity share a partition)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domains.analytics.metrics import MetricRegistry
from domains.analytics.rollup_ports import RollupStore
from domains.analytics.rollups import Measure, Window
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


@dataclass(frozen=True)
class MetricSeries:
    """A metric over a window: one measure per period (quiet periods included) and the
    window's total (counts added up, distinct counts over the whole window)."""

    name: str
    series: list[tuple[datetime, Measure]]
    total: Measure


class AnalyticsDashboardSelector:
    def __init__(self, *, store: RollupStore, metrics: MetricRegistry) -> None:
        self._store = store
        self._metrics = metrics

    def dashboard(self, *, ctx: TenantContext, window: Window) -> list[MetricSeries]:
        ctx.require(Permission.ANALYTICS_READ)
        found = []
        for metric in self._metrics:
            stored = self._store.window(
                ctx.org_id, metric.name, window.granularity, window.first, window.last
            )
            by_start = {rollup.start: rollup.measure for rollup in stored}
            quiet = metric.combine([])
            series = [(start, by_start.get(start, quiet)) for start in window.periods]
            total = metric.combine(list(by_start.values()))
            found.append(MetricSeries(metric.name, series, total))
        return found
