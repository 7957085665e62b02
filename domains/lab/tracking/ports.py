"""What experiment tracking needs from storage (implemented in adapters/dynamodb/lab)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from domains.lab.datasets.ports import DatasetLineage
from domains.lab.tracking.model import Experiment, MetricPoint, Run
from domains.lab.tracking.search import RunQuery
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class ExperimentRepository(Protocol):
    def get(self, org_id: str, experiment_id: str) -> Experiment | None: ...

    def get_by_name(self, org_id: str, name: str) -> Experiment | None:
        """MLflow's get-by-name: the experiment holding the organisation's claim on `name`."""

    def list_project(
        self, org_id: str, project_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        """A project's experiments, most recently updated first; `lifecycle` active or
        deleted (None: both)."""

    def list_org(
        self, org_id: str, *, lifecycle: str | None, page: PageRequest
    ) -> Page[Experiment]:
        """The organisation's experiments, newest first (by id: ids sort by creation)."""

    def add(self, experiment: Experiment) -> None:
        """Stage a new experiment and its name claim (Conflict if the name is taken)."""

    def save(self, experiment: Experiment, *, old_name: str | None = None) -> None:
        """Stage the change over `experiment.version` (PreconditionFailed if stale); a
        rename (`old_name` given) moves the name claim in the same transaction."""


class RunRepository(Protocol):
    def get(self, org_id: str, run_id: str) -> Run | None:
        """By id alone, as MLflow addresses runs."""

    def list_experiment(
        self, org_id: str, experiment_id: str, *, status: str | None, page: PageRequest
    ) -> Page[Run]:
        """An experiment's runs (of one status), newest start first."""

    def search(
        self,
        org_id: str,
        experiment_id: str,
        *,
        status: str | None,
        query: RunQuery,
        page: PageRequest,
    ) -> Page[Run]:
        """Runs matching `query`, in its order. Bounded: the newest SEARCH_BOUND runs of the
        experiment (of `status`, through its own index) are read, then filtered and sorted;
        older runs are not searched."""

    def add(self, run: Run) -> None: ...

    def save(self, run: Run) -> None:
        """Stage the change over `run.version` (PreconditionFailed if stale)."""

    def record_latest(self, run: Run, latest: dict[str, MetricPoint]) -> bool:
        """Set the run's latest metric values at once (not in a unit of work), if its
        `metrics_seq` is still the one read; False when another writer got there first.
        Bookkeeping, not an edit: the run's version (its ETag) stays."""


class MetricStore(Protocol):
    """Metric points of one run and key, packed many to an item (buckets of steps)."""

    def append(
        self, org_id: str, run_id: str, key: str, points: Sequence[MetricPoint], batch_id: str
    ) -> int:
        """Append the points (all of `key`); with a `batch_id`, a bucket that already took
        this batch is left alone, so a retried batch is written once. The points written."""

    def history(
        self, org_id: str, run_id: str, key: str, *, step_from: int, step_to: int
    ) -> list[MetricPoint]:
        """Every point with step_from <= step <= step_to, by step then timestamp (at most
        MAX_HISTORY_POINTS; ValidationFailed beyond, ask for a narrower range)."""


class TrackingStaffBrowser(Protocol):
    """What staff browse across organisations (a paginated Scan: admin only, never the API)."""

    def experiments(
        self, page: PageRequest, *, org_id: str | None, lifecycle: str | None
    ) -> Page[Experiment]: ...

    def runs(self, page: PageRequest, *, org_id: str | None, status: str | None) -> Page[Run]: ...


class TrackingUnitOfWork(UnitOfWork, Protocol):
    experiments: ExperimentRepository
    runs: RunRepository
    lineage: DatasetLineage  # datasets' lineage items, written with the run that used them

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], TrackingUnitOfWork]
