"""Metric logging and history. A batch (up to MLflow's 1,000 points) is appended per key to
packed buckets; a `batch_id` (the client's, or its Idempotency-Key) makes a retried batch
land once. The run keeps each key's latest value for listing and search. Metric batches are
not audited one by one (a training loop logs thousands)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domains.lab.access import ProjectAccess
from domains.lab.tracking.model import (
    MAX_BATCH_METRICS,
    MAX_STEP,
    MAX_TIMESTAMP,
    MetricPoint,
    Run,
    check_key,
    check_point,
    invalid,
    latest_of,
)
from domains.lab.tracking.ports import MetricStore, UnitOfWorkFactory
from domains.lab.tracking.selectors import run_with_role, writable_run
from domains.shared.clock import Clock
from domains.shared.errors import Conflict
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

LATEST_ATTEMPTS = 8
MAX_RETURNED_POINTS = 10_000


@dataclass(frozen=True)
class LoggedBatch:
    batch_id: str
    received: int
    written: int  # fewer than received when a retried batch had landed already
    keys: tuple[str, ...]


@dataclass(frozen=True)
class MetricHistory:
    key: str
    points: list[MetricPoint]
    total: int  # points in the range before down-sampling
    downsampled: bool


def downsample(points: Sequence[MetricPoint], max_points: int) -> list[MetricPoint]:
    """At most `max_points`, keeping the shape: the series is cut into max_points // 2 runs
    of neighbours and each keeps its lowest and highest point (spikes survive), in order."""
    if len(points) <= max_points:
        return list(points)
    bins = max(1, max_points // 2)
    kept: list[MetricPoint] = []
    for b in range(bins):
        chunk = points[b * len(points) // bins : (b + 1) * len(points) // bins]
        if not chunk:
            continue
        low = min(range(len(chunk)), key=lambda i: chunk[i].value)
        high = max(range(len(chunk)), key=lambda i: chunk[i].value)
        kept += [chunk[i] for i in sorted({low, high})]
    return kept


class MetricService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, store: MetricStore, projects: ProjectAccess, clock: Clock
    ) -> None:
        self._uow = uow
        self._store = store
        self._projects = projects
        self._clock = clock

    def now_ms(self) -> int:
        """The timestamp of a point logged without one (MLflow's: milliseconds)."""
        return int(self._clock.now().timestamp() * 1000)

    def log(
        self,
        *,
        ctx: TenantContext,
        run_id: str,
        points: Sequence[MetricPoint],
        batch_id: str = "",
        experiment_id: str | None = None,
    ) -> LoggedBatch:
        ctx.require(Permission.LAB_WRITE)
        if not 1 <= len(points) <= MAX_BATCH_METRICS:
            raise invalid(["metrics"], f"1 to {MAX_BATCH_METRICS} points per batch")
        if len(batch_id) > 128:
            raise invalid(["batch_id"], "at most 128 characters")
        checked = [check_point(p, i) for i, p in enumerate(points)]
        with self._uow() as uow:
            run = writable_run(self._projects, ctx, uow, run_id, experiment_id)
        by_key: dict[str, list[MetricPoint]] = {}
        for p in checked:
            by_key.setdefault(p.key, []).append(p)
        latest_of(run.latest_metrics, checked)  # refuses a run with too many keys first
        written = sum(
            self._store.append(ctx.org_id, run.id, key, kept, batch_id)
            for key, kept in by_key.items()
        )
        self._keep_latest(ctx, run, checked, experiment_id)
        return LoggedBatch(batch_id, len(checked), written, tuple(sorted(by_key)))

    def _keep_latest(
        self, ctx: TenantContext, run: Run, points: list[MetricPoint], experiment_id: str | None
    ) -> None:
        """Merge into the run's latest values, over concurrent loggers (re-read and retry)."""
        for _ in range(LATEST_ATTEMPTS):
            latest = latest_of(run.latest_metrics, points)
            if latest == run.latest_metrics or self._store_latest(run, latest):
                return
            with self._uow() as uow:
                run = run_with_role(self._projects, ctx, uow, run.id, "editor", experiment_id)[1]
        raise Conflict("the run's latest metrics kept changing; the points are stored")

    def _store_latest(self, run: Run, latest: dict[str, MetricPoint]) -> bool:
        with self._uow() as uow:
            return uow.runs.record_latest(run, latest)

    def history(
        self,
        *,
        ctx: TenantContext,
        run_id: str,
        key: str,
        experiment_id: str | None = None,
        step_from: int = 0,
        step_to: int = MAX_STEP - 1,
        time_from: int | None = None,
        time_to: int | None = None,
        max_points: int = 1000,
    ) -> MetricHistory:
        """Points of one key by step range (buckets read: only those of the range) and, if
        asked, time range (filtered from the step range), down-sampled to `max_points`."""
        ctx.require(Permission.LAB_READ)
        check_key(key, ["key"])
        if not 0 <= step_from <= step_to < MAX_STEP:
            raise invalid(["step_from"], "0 <= step_from <= step_to")
        if not 2 <= max_points <= MAX_RETURNED_POINTS:
            raise invalid(["max_points"], f"2 to {MAX_RETURNED_POINTS}")
        with self._uow() as uow:
            _, run = run_with_role(self._projects, ctx, uow, run_id, "viewer", experiment_id)
        points = self._store.history(ctx.org_id, run.id, key, step_from=step_from, step_to=step_to)
        if time_from is not None or time_to is not None:
            low, high = time_from or 0, MAX_TIMESTAMP if time_to is None else time_to
            points = [p for p in points if low <= p.timestamp <= high]
        kept = downsample(points, max_points)
        return MetricHistory(key, kept, len(points), len(kept) < len(points))
