"""Reading execution analytics: a window's totals, its series per period and its breakdowns by
agent, user and version, all from the roll-ups (never from the runs).

Which roll-ups a request reads (one Query each, over the window's periods):
- no filter: `execution` (series and total, fine histogram), and the totals over the window of
  `execution_agents`, `execution_users`, `execution_versions` (4 Queries by day; by hour, the
  breakdowns read the whole days inside the window as day items and only the partial days'
  hours: 1 to 3 Queries each);
- `agent_id` (with or without `version`): `execution_agents` and `execution_versions`; the
  series and total are the agent's (or the agent's version's), `by_version` the agent's
  versions; `by_user` is None (no agent x user breakdown is kept) (2 Queries);
- `version` alone: `execution_versions`; series and total add up that version of every agent,
  `by_agent` lists the agents that ran it (1 Query);
- `user_id`: `execution_users`; `by_agent` and `by_version` are None (1 Query). `user_id` with
  `agent_id` or `version` is refused (422): the roll-ups keep no user x agent breakdown.
Breakdown histograms are the coarse ones (see domains.analytics.execution), so a filtered
report's percentiles carry BREAKDOWN_ERROR; the unfiltered total's carry FINE_ERROR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domains.analytics.execution import (
    BREAKDOWN_ERROR,
    BREAKDOWN_STEP,
    BY_AGENT,
    BY_USER,
    BY_VERSION,
    EXECUTION,
    FINE_ERROR,
    OTHER,
    SEPARATOR,
    Percentile,
    RunStats,
    capped,
    combined_groups,
    groups_of,
    percentile,
    picos_text,
    stats_of,
)
from domains.analytics.rollup_ports import RollupStore
from domains.analytics.rollups import DAY, HOUR, STEPS, Measure, Window, period_start
from domains.shared.errors import ValidationFailed
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

QUANTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


@dataclass(frozen=True)
class ExecutionFilter:
    agent_id: str | None = None
    user_id: str | None = None
    version: str | None = None


def execution_filter(
    *, agent_id: str | None = None, user_id: str | None = None, version: str | None = None
) -> ExecutionFilter:
    """The filter of the API's query; ValidationFailed for user_id with agent_id or version."""
    if user_id is not None and (agent_id is not None or version is not None):
        message = "user_id cannot be combined with agent_id or version"
        raise ValidationFailed(message, errors=[{"loc": ["query", "user_id"], "msg": message}])
    return ExecutionFilter(_key(agent_id), _key(user_id), _key(version))


def _key(value: str | None) -> str | None:
    """As the roll-ups spell a key (see domains.analytics.execution)."""
    return None if value is None else value.replace(SEPARATOR, "/")


@dataclass(frozen=True)
class Summary:
    """A group of runs: counts, rates, sums, cost (decimal string) and latency percentiles."""

    runs: int
    succeeded: int
    failed: int
    success_rate: float
    failure_rate: float
    tokens_in: int
    tokens_out: int
    cost: str
    timed: int
    mean_latency_ms: float | None
    latency_ms: dict[str, Percentile | None]
    latency_error: float


def summary(stats: RunStats, *, coarse: bool) -> Summary:
    runs, timed = stats.value("runs"), stats.value("timed")
    step = BREAKDOWN_STEP if coarse else 1
    return Summary(
        runs=runs,
        succeeded=stats.value("succeeded"),
        failed=stats.value("failed"),
        success_rate=round(stats.value("succeeded") / runs, 6) if runs else 0.0,
        failure_rate=round(stats.value("failed") / runs, 6) if runs else 0.0,
        tokens_in=stats.value("tokens_in"),
        tokens_out=stats.value("tokens_out"),
        cost=picos_text(stats.value("cost_picos")),
        timed=timed,
        mean_latency_ms=round(stats.value("duration_ms") / timed, 3) if timed else None,
        latency_ms={n: percentile(stats.latency, q, step=step) for n, q in QUANTILES.items()},
        latency_error=round(BREAKDOWN_ERROR if coarse else FINE_ERROR, 4),
    )


@dataclass(frozen=True)
class ExecutionReport:
    window: Window
    filter: ExecutionFilter
    total: Summary
    series: list[tuple[datetime, Summary]]
    by_agent: list[tuple[str, Summary]] | None
    by_user: list[tuple[str, Summary]] | None
    by_version: list[tuple[str, str, Summary]] | None


Select = Callable[[str], bool]


def _ranked(groups: dict[str, RunStats]) -> list[tuple[str, RunStats]]:
    """Most runs first (then by key), `~other` last."""
    keys = sorted((k for k in groups if k != OTHER), key=lambda k: (-groups[k].value("runs"), k))
    return [(k, groups[k]) for k in keys + ([OTHER] if OTHER in groups else [])]


def _version_parts(key: str) -> tuple[str, str]:
    agent, _, version = key.partition("/")
    return (OTHER, OTHER) if key == OTHER else (agent, version)


class ExecutionSelector:
    def __init__(self, *, store: RollupStore) -> None:
        self._store = store

    def report(
        self, *, ctx: TenantContext, window: Window, filter: ExecutionFilter
    ) -> ExecutionReport:
        ctx.require(Permission.ANALYTICS_READ)
        if filter.user_id is not None:
            return self._filtered(ctx, window, filter, BY_USER, lambda k: k == filter.user_id)
        if filter.agent_id is not None or filter.version is not None:
            return self._by_agent_or_version(ctx, window, filter)
        series = self._series(ctx, window, EXECUTION)
        total = RunStats.empty()
        for _, measure in series:
            total.add(stats_of(measure))
        groups = {name: self._totals(ctx, window, name) for name in (BY_AGENT, BY_USER, BY_VERSION)}
        return ExecutionReport(
            window=window,
            filter=filter,
            total=summary(total, coarse=False),
            series=[(start, summary(stats_of(m), coarse=False)) for start, m in series],
            by_agent=[(k, summary(s, coarse=True)) for k, s in _ranked(groups[BY_AGENT])],
            by_user=[(k, summary(s, coarse=True)) for k, s in _ranked(groups[BY_USER])],
            by_version=[
                (*_version_parts(k), summary(s, coarse=True))
                for k, s in _ranked(groups[BY_VERSION])
            ],
        )

    def _by_agent_or_version(
        self, ctx: TenantContext, window: Window, filter: ExecutionFilter
    ) -> ExecutionReport:
        agent, version = filter.agent_id, filter.version

        def wanted(key: str) -> bool:
            key_agent, key_version = _version_parts(key)
            if key == OTHER:
                return False
            return (agent is None or key_agent == agent) and (
                version is None or key_version == version
            )

        if agent is not None and version is None:
            report = self._filtered(ctx, window, filter, BY_AGENT, lambda k: k == agent)
            versions = self._totals(ctx, window, BY_VERSION)
            by_version = [
                (*_version_parts(k), summary(s, coarse=True))
                for k, s in _ranked(versions)
                if wanted(k)
            ]
            return replace(report, by_version=by_version)
        return self._filtered(ctx, window, filter, BY_VERSION, wanted)

    def _filtered(
        self,
        ctx: TenantContext,
        window: Window,
        filter: ExecutionFilter,
        metric: str,
        wanted: Select,
    ) -> ExecutionReport:
        """Series and total of the keys `wanted` of one breakdown (added up), and that
        breakdown's rows of those keys."""
        series = self._series(ctx, window, metric)
        total = RunStats.empty()
        points = []
        for start, measure in series:
            stats = RunStats.empty()
            for key, group in groups_of(measure).items():
                if wanted(key):
                    stats.add(group)
            total.add(stats)
            points.append((start, summary(stats, coarse=True)))
        rows = combined_groups(m for _, m in series)
        chosen = _ranked({k: s for k, s in rows.items() if wanted(k)})
        by_agent: list[tuple[str, Summary]] | None = None
        by_user: list[tuple[str, Summary]] | None = None
        by_version: list[tuple[str, str, Summary]] | None = None
        if metric == BY_AGENT:
            by_agent = [(k, summary(s, coarse=True)) for k, s in chosen]
        elif metric == BY_USER:
            by_user = [(k, summary(s, coarse=True)) for k, s in chosen]
        else:
            by_version = [(*_version_parts(k), summary(s, coarse=True)) for k, s in chosen]
            agents: dict[str, RunStats] = {}
            for key, stats in chosen:
                agents.setdefault(_version_parts(key)[0], RunStats.empty()).add(stats)
            by_agent = [(k, summary(s, coarse=True)) for k, s in _ranked(agents)]
        return ExecutionReport(
            window=window,
            filter=filter,
            total=summary(total, coarse=True),
            series=points,
            by_agent=by_agent,
            by_user=by_user,
            by_version=by_version,
        )

    def _series(
        self, ctx: TenantContext, window: Window, metric: str
    ) -> list[tuple[datetime, Measure]]:
        """The metric's measure for every period of the window (quiet ones empty): one Query."""
        stored = self._store.window(
            ctx.org_id, metric, window.granularity, window.first, window.last
        )
        by_start = {rollup.start: rollup.measure for rollup in stored}
        return [(start, by_start.get(start, Measure())) for start in window.periods]

    def _totals(self, ctx: TenantContext, window: Window, metric: str) -> dict[str, RunStats]:
        """A breakdown over the whole window (capped as a stored item is). By hour, the days
        wholly inside the window are read as days, so a month by hour reads ~30 day items
        and the hours of its two partial days (1 to 3 Queries) rather than ~720 hours."""
        measures = [
            m
            for first, last, g in read_spans(window)
            for m in self._read(ctx, metric, g, first, last)
        ]
        return capped(combined_groups(measures))

    def _read(
        self, ctx: TenantContext, metric: str, granularity: str, first: datetime, last: datetime
    ) -> list[Measure]:
        stored = self._store.window(ctx.org_id, metric, granularity, first, last)
        return [rollup.measure for rollup in stored]


def read_spans(window: Window) -> list[tuple[datetime, datetime, str]]:
    """The window as (first, last, granularity) reads: by day, itself; by hour, the whole
    days inside it as days and the hours before and after them as hours."""
    if window.granularity == DAY:
        return [(window.first, window.last, DAY)]
    hour, day = STEPS[HOUR], STEPS[DAY]
    end = window.last + hour
    first_day = period_start(window.first, DAY)
    if first_day < window.first:
        first_day += day
    end_day = period_start(end, DAY)
    if first_day >= end_day:
        return [(window.first, window.last, HOUR)]
    spans = [(first_day, end_day - day, DAY)]
    if window.first < first_day:
        spans.append((window.first, first_day - hour, HOUR))
    if end_day < end:
        spans.append((end_day, window.last, HOUR))
    return spans
