"""In-memory fakes of the tracking ports (experiments, runs, the metric store): the unit tier
drives the tracking services with these, and the contract suite holds them to DynamoDB's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domains.lab.datasets.model import Dataset, DatasetUsage
from domains.lab.tracking.model import Experiment, MetricPoint, Run
from domains.lab.tracking.search import SEARCH_BOUND, RunQuery
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.lab_datasets import InMemoryDatasetLineage
from tests.fakes.paging import newest_first, page_of
from tests.fakes.project_members import stamp
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE_EXPERIMENT = PreconditionFailed("the experiment changed since it was read")
STALE_RUN = PreconditionFailed("the run changed since it was read")
BUCKET_STEPS, PART_POINTS, MAX_HISTORY_POINTS = 100, 400, 200_000  # as the store's


@dataclass
class TrackingStore:
    experiments: dict[tuple[str, str], Experiment] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    runs: dict[tuple[str, str], Run] = field(default_factory=dict)
    # the `datasets` table as a run's transaction sees it: datasets (seeded), lineage items
    datasets: dict[tuple[str, str], Dataset] = field(default_factory=dict)
    usages: dict[tuple[str, str, int, str], DatasetUsage] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    clock: Any = None


class InMemoryExperiments(FakeRepository):
    def get(self, org_id: str, experiment_id: str) -> Experiment | None:
        return self._s.experiments.get((org_id, experiment_id))  # type: ignore[no-any-return]

    def get_by_name(self, org_id: str, name: str) -> Experiment | None:
        claimed = self._s.names.get((org_id, name))
        return self.get(org_id, claimed) if claimed else None

    def list_project(
        self, org_id: str, project_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        ours = [
            e
            for (o, _), e in self._s.experiments.items()
            if o == org_id and e.project_id == project_id and lifecycle in (None, e.lifecycle_stage)
        ]
        scope = (org_id, project_id, lifecycle)
        return newest_first(ours, page, scope=scope, key=lambda e: stamp(e.updated_at, e.id))

    def list_org(
        self, org_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        ours = [
            e
            for (o, _), e in self._s.experiments.items()
            if o == org_id and lifecycle in (None, e.lifecycle_stage)
        ]
        return newest_first(ours, page, scope=(org_id, lifecycle), key=lambda e: (e.id,))

    def _claim(self, s: TrackingStore, e: Experiment) -> None:
        if (e.org_id, e.name) in s.names:
            raise Conflict(f"the organisation has an experiment named {e.name!r}")
        s.names[(e.org_id, e.name)] = e.id

    def add(self, experiment: Experiment) -> None:
        key = (experiment.org_id, experiment.id)

        def apply(s: TrackingStore) -> None:
            if key in s.experiments:
                raise Conflict("experiment exists")
            self._claim(s, experiment)
            s.experiments[key] = replace(experiment, version=1)

        self._stage(("experiments", *key), apply)

    def save(self, experiment: Experiment, *, old_name: str | None = None) -> None:
        key = (experiment.org_id, experiment.id)

        def apply(s: TrackingStore) -> None:
            saved = bumped(experiment, s.experiments.get(key), STALE_EXPERIMENT)
            if old_name is not None and old_name != experiment.name:
                del s.names[(experiment.org_id, old_name)]
                self._claim(s, experiment)
            s.experiments[key] = saved

        self._stage(("experiments", *key), apply)


class InMemoryRuns(FakeRepository):
    def get(self, org_id: str, run_id: str) -> Run | None:
        return self._s.runs.get((org_id, run_id))  # type: ignore[no-any-return]

    def _newest(self, org_id: str, experiment_id: str, status: str | None) -> list[Run]:
        ours = [
            r
            for (o, _), r in self._s.runs.items()
            if o == org_id and r.experiment_id == experiment_id and status in (None, r.status)
        ]
        return sorted(ours, key=lambda r: stamp(r.started_at, r.id), reverse=True)

    def list_experiment(
        self, org_id: str, experiment_id: str, *, status: str | None, page: PageRequest
    ) -> Page[Run]:
        ours = self._newest(org_id, experiment_id, status)
        scope = (org_id, experiment_id, status)
        return newest_first(ours, page, scope=scope, key=lambda r: stamp(r.started_at, r.id))

    def search(
        self,
        org_id: str,
        experiment_id: str,
        *,
        status: str | None,
        query: RunQuery,
        page: PageRequest,
    ) -> Page[Run]:
        ordered = query.apply(self._newest(org_id, experiment_id, status)[:SEARCH_BOUND])
        scope = (org_id, experiment_id, status, repr(query))
        return page_of(ordered, page, scope=scope, key=query.sort_key)  # type: ignore[arg-type]

    def add(self, run: Run) -> None:
        key = (run.org_id, run.id)

        def apply(s: TrackingStore) -> None:
            if key in s.runs:
                raise Conflict("run exists")
            s.runs[key] = replace(run, version=1)

        self._stage(("runs", *key), apply)

    def save(self, run: Run) -> None:
        """Like the store's: the latest metrics (bookkeeping) are not the editor's to write."""
        key = (run.org_id, run.id)

        def apply(s: TrackingStore) -> None:
            stored = s.runs.get(key)
            saved = bumped(run, stored, STALE_RUN)
            s.runs[key] = replace(
                saved, latest_metrics=stored.latest_metrics, metrics_seq=stored.metrics_seq
            )

        self._stage(("runs", *key), apply)

    def record_latest(self, run: Run, latest: dict[str, MetricPoint]) -> bool:
        key = (run.org_id, run.id)
        stored = self._s.runs.get(key)
        if stored is None or stored.metrics_seq != run.metrics_seq:
            return False
        self._s.runs[key] = replace(
            stored, latest_metrics=dict(latest), metrics_seq=run.metrics_seq + 1
        )
        return True


class InMemoryTrackingUnitOfWork(FakeUnitOfWork):
    store: TrackingStore

    def __init__(self, store: TrackingStore) -> None:
        super().__init__(store)
        self.experiments = InMemoryExperiments(self)
        self.runs = InMemoryRuns(self)
        self.lineage = InMemoryDatasetLineage(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class InMemoryMetricStore:
    """Points per (org, run, key) in the order appended; a batch's piece of a bucket (the
    store's unit of exactly-once) is remembered by its mark."""

    def __init__(self) -> None:
        self.points: dict[tuple[str, str, str], list[MetricPoint]] = {}
        self.marks: dict[tuple[str, str, str, int], set[str]] = {}

    def append(
        self, org_id: str, run_id: str, key: str, points: Sequence[MetricPoint], batch_id: str
    ) -> int:
        by_bucket: dict[int, list[MetricPoint]] = {}
        for p in points:
            by_bucket.setdefault(p.step // BUCKET_STEPS, []).append(p)
        written = 0
        for bucket, ps in by_bucket.items():
            for i in range(0, len(ps), PART_POINTS):
                marks = self.marks.setdefault((org_id, run_id, key, bucket), set())
                mark = f"{batch_id}#{i // PART_POINTS}"
                if batch_id and mark in marks:
                    continue
                marks.add(mark)
                piece = ps[i : i + PART_POINTS]
                self.points.setdefault((org_id, run_id, key), []).extend(piece)
                written += len(piece)
        return written

    def history(
        self, org_id: str, run_id: str, key: str, *, step_from: int, step_to: int
    ) -> list[MetricPoint]:
        found = [
            p for p in self.points.get((org_id, run_id, key), []) if step_from <= p.step <= step_to
        ]
        if len(found) > MAX_HISTORY_POINTS:
            raise ValidationFailed("too many points: ask for a narrower step range")
        return sorted(found, key=lambda p: (p.step, p.timestamp))
