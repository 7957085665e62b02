"""What datasets need from storage (implemented in adapters/dynamodb/lab/datasets.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from domains.lab.datasets.model import Dataset, DatasetUsage, DatasetVersion
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class DatasetRepository(Protocol):
    def get(self, org_id: str, dataset_id: str) -> Dataset | None:
        """The dataset, deleted ones included (the caller decides what they mean)."""

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        tag: str | None = None,
    ) -> Page[Dataset]:
        """The organisation's live datasets, most recently updated first; a project and a
        tag filter the page."""

    def add(self, dataset: Dataset) -> None:
        """Stage the dataset and the claim on its name (Conflict if the name is taken)."""

    def save(self, dataset: Dataset) -> None:
        """Stage the changed dataset (PreconditionFailed if stale); a deleted one gives its
        name claim up in the same transaction."""


class DatasetVersionRepository(Protocol):
    def get(self, org_id: str, dataset_id: str, number: int) -> DatasetVersion | None: ...

    def list(self, org_id: str, dataset_id: str, *, page: PageRequest) -> Page[DatasetVersion]:
        """A dataset's versions, newest first."""

    def add(self, version: DatasetVersion) -> None:
        """Stage a new version (Conflict if the number exists: versions are immutable)."""


class DatasetLineage(Protocol):
    """Lineage items beside a dataset's versions. Experiment tracking writes them in a run's
    transaction (its unit of work holds one); datasets read them."""

    def resolve(self, org_id: str, dataset_id: str) -> Dataset | None:
        """The live dataset a run names, if registered in the organisation."""

    def link(self, usage: DatasetUsage) -> None:
        """Stage the usage (written again, it is the same item: idempotent)."""

    def runs(
        self, org_id: str, dataset_id: str, *, number: int | None, page: PageRequest
    ) -> Page[DatasetUsage]:
        """The runs that used the dataset (or one version of it), by version then run."""

    def used_by(self, org_id: str, run_id: str, *, page: PageRequest) -> Page[DatasetUsage]:
        """The dataset versions a run used, by dataset then version."""


class DatasetsUnitOfWork(UnitOfWork, Protocol):
    datasets: DatasetRepository
    versions: DatasetVersionRepository
    lineage: DatasetLineage

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], DatasetsUnitOfWork]


class DatasetsStaffBrowser(Protocol):
    """What the admin lists across organisations (a paginated Scan: staff only)."""

    def datasets(self, page: PageRequest) -> Page[Dataset]: ...
