"""Execution roll-ups on the fakes: runs logged across hours, days, agents, users and versions
are marked by their AgentRunLogged events (in the hour they started, however late logged),
rolled up by the beat's run, and the report over a window matches a brute-force computation
over the same runs: counts, rates and sums exactly, each percentile within its bucket."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.dynamodb.codec import encode_item
from domains.analytics.execution import (
    BOUNDS,
    BREAKDOWN_ERROR,
    BREAKDOWN_STEP,
    BY_AGENT,
    EXECUTION,
    FINE_ERROR,
    MAX_BUCKET,
    MAX_KEYS,
    OTHER,
    ExecutionTotals,
    RunFact,
    RunStats,
    breakdown_measure,
    capped,
    coarse_bucket,
    cost_picos,
    fine_bucket,
    groups_of,
    percentile,
    picos_text,
)
from domains.analytics.execution_report import (
    ExecutionFilter,
    ExecutionSelector,
    Summary,
    execution_filter,
    read_spans,
)
from domains.analytics.metrics import MetricRegistry, RunMetricRegistry
from domains.analytics.rollups import DAY, HOUR, dashboard_window, period_key
from domains.analytics.services.feed import ActivityFeedService
from domains.analytics.services.rollups import RollupService
from domains.shared.clock import isoformat
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.analytics import InMemoryActivityFeed
from tests.fakes.rollups import (
    InMemoryDirtyPeriods,
    InMemoryRollupStore,
    InMemoryRunWindow,
    event_at,
)

ORG, OTHER_ORG = new_id(), new_id()
T0 = datetime(2026, 3, 1, 22, tzinfo=UTC)
STATUSES = ("succeeded", "succeeded", "succeeded", "failed", "cancelled")


class Rig:
    def __init__(self) -> None:
        self.feed = InMemoryActivityFeed()
        self.store = InMemoryRollupStore()
        self.dirty = InMemoryDirtyPeriods()
        self.runs = InMemoryRunWindow()
        self.rollups = RollupService(
            feed=self.feed,
            store=self.store,
            dirty=self.dirty,
            metrics=MetricRegistry(),
            organisations=self.feed,
            runs=self.runs,
            run_metrics=RunMetricRegistry(),
        )
        self.selector = ExecutionSelector(store=self.store)
        self.recorder = ActivityFeedService(feed=self.feed)

    def log(self, run: RunFact, *, org: str = ORG, late: timedelta = timedelta()) -> None:
        """What the runs context and the workers do: write the run, publish AgentRunLogged
        (made when it is logged), the consumers record and mark it."""
        self.runs.log(org, run)
        event = event_at(
            "AgentRunLogged",
            org_id=org,
            actor_id=run.user_id,
            at=run.started_at + late,
            resource=("agent_run", run.run_id),
            agent_id=run.agent_id,
            run_id=run.run_id,
            version=run.version,
            status=run.status,
            started_at=isoformat(run.started_at),
            duration_ms=run.duration_ms,
            cost=str(run.cost),
        )
        self.recorder.record(event)
        self.rollups.mark(event)


def _ctx(org: str = ORG, role: str = "viewer") -> TenantContext:
    return TenantContext(org, Principal(new_id()), role, permissions_for(role))


def _random_runs(rng: random.Random, n: int, start: datetime, hours: int) -> list[RunFact]:
    agents = [new_id() for _ in range(4)]
    users = [new_id() for _ in range(3)]
    runs = []
    for _ in range(n):
        started = start + timedelta(seconds=rng.randrange(hours * 3600))
        timed = rng.random() > 0.1
        runs.append(
            RunFact(
                run_id=new_id(),
                agent_id=rng.choice(agents),
                user_id=rng.choice(users),
                version=str(rng.randint(1, 3)),
                status=rng.choice(STATUSES),
                started_at=started.replace(microsecond=rng.randrange(1000) * 1000),
                duration_ms=int(rng.lognormvariate(7, 1.5)) if timed else None,
                tokens_in=rng.randrange(5000),
                tokens_out=rng.randrange(2000),
                cost=Decimal(rng.randrange(10**7)) / Decimal(10**7),
            )
        )
    return runs


def _nearest_rank(values: Sequence[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def _check(summary: Summary, runs: Sequence[RunFact], *, error: float) -> None:
    """The summary against the brute force over `runs`."""
    count = len(runs)
    succeeded = sum(r.status == "succeeded" for r in runs)
    failed = sum(r.status == "failed" for r in runs)
    assert (summary.runs, summary.succeeded, summary.failed) == (count, succeeded, failed)
    assert summary.success_rate == (round(succeeded / count, 6) if count else 0.0)
    assert summary.failure_rate == (round(failed / count, 6) if count else 0.0)
    assert summary.tokens_in == sum(r.tokens_in for r in runs)
    assert summary.tokens_out == sum(r.tokens_out for r in runs)
    assert Decimal(summary.cost) == sum((r.cost for r in runs), Decimal(0))
    durations = [r.duration_ms for r in runs if r.duration_ms is not None]
    assert summary.timed == len(durations)
    assert summary.latency_error == round(error, 4)
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        found = summary.latency_ms[name]
        if not durations:
            assert found is None
            continue
        assert found is not None
        exact = _nearest_rank(durations, q)
        assert found.low < exact <= found.high or (found.low == 0 and exact <= 1), (name, exact)
        if exact > 1:
            assert abs(found.value - exact) / exact <= error + 1e-9


@pytest.fixture(scope="module")
def story() -> tuple[Rig, list[RunFact]]:
    rng = random.Random(20261206)
    rig = Rig()
    runs = _random_runs(rng, 1500, T0, hours=52)  # three days, many hours
    for run in runs:
        rig.log(run, late=timedelta(minutes=rng.choice([0, 0, 5, 90, 60 * 30])))
    for run in _random_runs(rng, 50, T0, hours=52):
        rig.log(run, org=OTHER_ORG)
    report = rig.rollups.roll_up_dirty(limit=10_000)
    assert report.cleared == report.marks and not rig.dirty.marks
    return rig, runs


def _window(first: datetime, last: datetime, granularity: str):  # type: ignore[no-untyped-def]
    return dashboard_window(start=first, end=last, granularity=granularity, now=last)


def _report(rig: Rig, window, filter: ExecutionFilter | None = None):  # type: ignore[no-untyped-def]
    return rig.selector.report(ctx=_ctx(), window=window, filter=filter or ExecutionFilter())


def _grouped(runs: Sequence[RunFact], key: Callable[[RunFact], str]) -> dict[str, list[RunFact]]:
    found: dict[str, list[RunFact]] = {}
    for run in runs:
        found.setdefault(key(run), []).append(run)
    return found


@pytest.mark.parametrize("granularity", [DAY, HOUR])
def test_the_report_matches_the_runs(story, granularity):  # type: ignore[no-untyped-def]
    rig, runs = story
    window = _window(T0, T0 + timedelta(hours=51), granularity)
    report = _report(rig, window)
    _check(report.total, runs, error=FINE_ERROR)
    step = timedelta(days=1) if granularity == DAY else timedelta(hours=1)
    for start, summary in report.series:
        _check(summary, [r for r in runs if start <= r.started_at < start + step], error=FINE_ERROR)
    assert report.by_agent is not None and report.by_user is not None
    assert report.by_version is not None
    by_agent = _grouped(runs, lambda r: r.agent_id)
    assert [a for a, _ in report.by_agent] == sorted(by_agent, key=lambda a: (-len(by_agent[a]), a))
    for agent, summary in report.by_agent:
        _check(summary, by_agent[agent], error=BREAKDOWN_ERROR)
    by_user = _grouped(runs, lambda r: r.user_id)
    for user, summary in report.by_user:
        _check(summary, by_user[user], error=BREAKDOWN_ERROR)
    by_version = _grouped(runs, lambda r: f"{r.agent_id}/{r.version}")
    assert len(report.by_version) == len(by_version)
    for agent, version, summary in report.by_version:
        _check(summary, by_version[f"{agent}/{version}"], error=BREAKDOWN_ERROR)


def test_a_part_of_the_window_and_the_filters(story):  # type: ignore[no-untyped-def]
    rig, runs = story
    first, last = T0 + timedelta(hours=2), T0 + timedelta(hours=30)
    inside = [r for r in runs if first <= r.started_at < last + timedelta(hours=1)]
    window = _window(first, last, HOUR)
    _check(_report(rig, window).total, inside, error=FINE_ERROR)
    agent, version, user = inside[0].agent_id, inside[0].version, inside[0].user_id
    mine = _report(rig, window, execution_filter(agent_id=agent))
    _check(mine.total, [r for r in inside if r.agent_id == agent], error=BREAKDOWN_ERROR)
    assert mine.by_user is None and mine.by_agent is not None and mine.by_version is not None
    assert {v for _, v, _ in mine.by_version} == {r.version for r in inside if r.agent_id == agent}
    one = _report(rig, window, execution_filter(agent_id=agent, version=version))
    wanted = [r for r in inside if (r.agent_id, r.version) == (agent, version)]
    _check(one.total, wanted, error=BREAKDOWN_ERROR)
    for start, summary in one.series:
        hour = [r for r in wanted if start <= r.started_at < start + timedelta(hours=1)]
        _check(summary, hour, error=BREAKDOWN_ERROR)
    every = _report(rig, window, execution_filter(version=version))
    _check(every.total, [r for r in inside if r.version == version], error=BREAKDOWN_ERROR)
    assert every.by_agent is not None
    assert {a for a, _ in every.by_agent} == {r.agent_id for r in inside if r.version == version}
    theirs = _report(rig, window, execution_filter(user_id=user))
    _check(theirs.total, [r for r in inside if r.user_id == user], error=BREAKDOWN_ERROR)
    assert theirs.by_agent is None and theirs.by_version is None
    nobody = _report(rig, window, execution_filter(agent_id=new_id()))
    _check(nobody.total, [], error=BREAKDOWN_ERROR)


def test_another_organisation_sees_only_its_own(story):  # type: ignore[no-untyped-def]
    rig, _ = story
    window = _window(T0, T0 + timedelta(hours=51), DAY)
    theirs = rig.selector.report(ctx=_ctx(OTHER_ORG), window=window, filter=ExecutionFilter())
    assert theirs.total.runs == 50


def test_it_needs_analytics_read(story):  # type: ignore[no-untyped-def]
    rig, _ = story
    ctx = TenantContext(ORG, Principal(new_id()), "member", frozenset())
    with pytest.raises(Forbidden):
        rig.selector.report(ctx=ctx, window=_window(T0, T0, DAY), filter=ExecutionFilter())


def test_user_with_agent_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        execution_filter(user_id="u", agent_id="a")
    assert refused.value.errors[0]["loc"] == ["query", "user_id"]


def test_a_late_run_counts_in_its_hour_and_a_quiet_feed_hour_is_written() -> None:
    rig = Rig()
    run = _random_runs(random.Random(1), 1, T0, hours=1)[0]
    rig.log(run, late=timedelta(hours=5))
    started, logged = (period_key(h, HOUR) for h in (T0, T0 + timedelta(hours=5)))
    assert {key for key, _ in rig.dirty.marks} == {started, logged}
    rig.rollups.roll_up_dirty()
    stored = rig.store.items[(ORG, EXECUTION, HOUR, started)].measure.values
    assert stored["runs"] == 1
    assert (ORG, EXECUTION, HOUR, logged) not in rig.store.items
    assert rig.store.items[(ORG, EXECUTION, DAY, period_key(T0, DAY))].measure.values == stored
    again = dict(rig.store.items)
    rig.rollups.recompute(org_id=ORG, start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    assert rig.store.items == again  # recompute leaves the same items


def test_the_outbox_hands_started_at_back_as_a_datetime() -> None:
    rig = Rig()
    run = _random_runs(random.Random(4), 1, T0, hours=1)[0]
    event = event_at(
        "AgentRunLogged",
        org_id=ORG,
        actor_id=run.user_id,
        at=T0 + timedelta(hours=3),
        resource=("agent_run", run.run_id),
        started_at=run.started_at,
    )
    rig.rollups.mark(event)
    assert {key for key, _ in rig.dirty.marks} == {
        period_key(T0, HOUR),
        period_key(T0 + timedelta(hours=3), HOUR),
    }


def test_without_runs_bound_nothing_of_runs_is_rolled_up() -> None:
    rig = Rig()
    rig.rollups = RollupService(
        feed=rig.feed,
        store=rig.store,
        dirty=rig.dirty,
        metrics=MetricRegistry(),
        organisations=rig.feed,
    )
    rig.log(_random_runs(random.Random(2), 1, T0, hours=1)[0], late=timedelta(hours=2))
    assert len(rig.dirty.marks) == 1  # the event's own hour only
    rig.rollups.roll_up_dirty()
    assert not any(metric == EXECUTION for _, metric, _, _ in rig.store.items)


# -- the histogram and the measures ------------------------------------------------------------


def test_buckets_bound_every_duration_within_the_documented_error() -> None:
    assert FINE_ERROR < 0.0477 and BREAKDOWN_ERROR < 0.19
    for duration in [0, 1, 2, 3, 10, 999, 1000, 1001, 65_432, 3_600_000, 10**8]:
        fine = fine_bucket(duration)
        found = percentile({fine: 1}, 0.5)
        assert found is not None and (found.low < duration <= found.high or duration <= 1)
        if duration > 1:
            assert abs(found.value - duration) / duration <= FINE_ERROR + 1e-12
        coarse = percentile({coarse_bucket(fine): 1}, 0.5, step=BREAKDOWN_STEP)
        assert coarse is not None and (coarse.low < duration <= coarse.high or duration <= 1)
        if duration > 1:
            assert abs(coarse.value - duration) / duration <= BREAKDOWN_ERROR + 1e-12
    assert fine_bucket(10**12) == MAX_BUCKET
    assert percentile({MAX_BUCKET: 1}, 0.99).high == math.inf  # type: ignore[union-attr]
    assert percentile({}, 0.5) is None


def test_money_is_exact_in_units_of_a_trillionth() -> None:
    assert cost_picos(Decimal("0.0042")) == 4_200_000_000
    assert cost_picos(Decimal("0.0000000000015")) == 2  # half-even past the twelfth decimal
    assert picos_text(4_200_000_000 + 3 * 10**12) == "3.0042"
    assert picos_text(0) == "0" and picos_text(10**13) == "10"


def test_hours_combine_into_the_measure_of_the_whole() -> None:
    runs = _random_runs(random.Random(3), 400, T0, hours=10)
    metric = ExecutionTotals()
    hours = _grouped(runs, lambda r: period_key(r.started_at, HOUR))
    combined = metric.combine([metric.compute(h) for h in hours.values()])
    assert combined == metric.compute(runs)


def test_breakdowns_are_capped_and_still_add_up() -> None:
    groups: dict[str, RunStats] = {}
    for n in range(MAX_KEYS + 30):
        stats = RunStats.empty()
        stats.counts["runs"] = n + 1
        stats.latency[n % 50] = n + 1
        groups[f"k{n:04d}"] = stats
    kept = capped(groups)
    assert len(kept) == MAX_KEYS and OTHER in kept
    assert "k0000" not in kept and f"k{MAX_KEYS + 29:04d}" in kept
    assert sum(s.value("runs") for s in kept.values()) == sum(range(1, MAX_KEYS + 31))
    assert capped(kept) == kept


def test_the_largest_breakdown_item_stays_well_under_400_kb() -> None:
    """The worst case: MAX_KEYS keys of the longest ids, every count at its widest and every
    coarse bucket used."""
    groups = {}
    for n in range(MAX_KEYS):
        stats = RunStats.empty()
        for name in ("runs", "succeeded", "failed", "timed", "duration_ms"):
            stats.counts[name] = 10**12
        for name in ("tokens_in", "tokens_out", "cost_picos"):
            stats.counts[name] = 10**15
        for bucket in range(coarse_bucket(MAX_BUCKET) + 1):
            stats.latency[bucket] = 10**9
        groups[f"{new_id()}/{'v' * 37}{n:03d}"] = stats  # 26 + 1 + 40 characters
    measure = breakdown_measure(groups)
    item = encode_item({"pk": "ORG#" + new_id() + "#METRIC#" + BY_AGENT + "#day", "sk": "x"})
    size = sum(len(k) for k in item) + sum(len(str(v)) for v in item.values())
    size += sum(
        len(name.encode()) + 1 + len(str(value)) // 2 + 1 for name, value in measure.values.items()
    )
    size += sum(len(label.encode()) for label in measure.distinct)
    assert size < 150_000, size  # about 111 KB
    assert groups_of(measure) == groups
    assert len(BOUNDS) == MAX_BUCKET + 1


def test_an_hourly_window_reads_its_whole_days_as_days() -> None:
    day = datetime(2026, 3, 2, tzinfo=UTC)
    within = _window(day + timedelta(hours=3), day + timedelta(hours=20), HOUR)
    assert read_spans(within) == [(within.first, within.last, HOUR)]
    aligned = _window(day, day + timedelta(days=2, hours=23), HOUR)
    assert read_spans(aligned) == [(day, day + timedelta(days=2), DAY)]
    ragged = _window(day - timedelta(hours=2), day + timedelta(days=1, hours=4), HOUR)
    assert read_spans(ragged) == [
        (day, day, DAY),
        (day - timedelta(hours=2), day - timedelta(hours=1), HOUR),
        (day + timedelta(days=1), day + timedelta(days=1, hours=4), HOUR),
    ]
    by_day = _window(day, day + timedelta(days=3), DAY)
    assert read_spans(by_day) == [(by_day.first, by_day.last, DAY)]
