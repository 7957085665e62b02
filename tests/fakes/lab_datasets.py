"""In-memory fakes of the datasets ports: the unit tier drives the dataset services (and the
tracking services' lineage hook) with these, and the contract suite holds them to the
DynamoDB repositories' behaviour.

Lists sort as the store's keys do: datasets newest first by last update, a dataset's versions
newest first, lineage by version then run, a run's datasets by dataset then version.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from domains.lab.datasets.model import Dataset, DatasetUsage, DatasetVersion
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first, page_of, sortable
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped

STALE_DATASET = PreconditionFailed("the dataset changed since it was read")


@dataclass
class DatasetStore:
    datasets: dict[tuple[str, str], Dataset] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    versions: dict[tuple[str, str, int], DatasetVersion] = field(default_factory=dict)
    usages: dict[tuple[str, str, int, str], DatasetUsage] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    clock: Any = None


class InMemoryDatasets(FakeRepository):
    def get(self, org_id: str, dataset_id: str) -> Dataset | None:
        found: Dataset | None = self._s.datasets.get((org_id, dataset_id))
        return found

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        tag: str | None = None,
    ) -> Page[Dataset]:
        ours = [
            d
            for (o, _), d in self._s.datasets.items()
            if o == org_id
            and not d.deleted
            and project_id in (None, d.project_id)
            and (tag is None or tag in d.tags)
        ]
        scope = ("datasets", org_id, project_id, tag)
        return newest_first(ours, page, scope=scope, key=lambda d: (sortable(d.updated_at), d.id))

    def add(self, dataset: Dataset) -> None:
        claim = (dataset.org_id, dataset.name.lower())
        key = (dataset.org_id, dataset.id)

        def claim_name(s: Any) -> None:
            if claim in s.names:
                raise Conflict(f"a dataset named {dataset.name!r} exists in the organisation")
            s.names[claim] = dataset.id

        def insert(s: Any) -> None:
            if key in s.datasets:
                raise Conflict("dataset exists")
            s.datasets[key] = replace(dataset, version=1)

        self._stage(("names", *claim), claim_name)
        self._stage(("datasets", *key), insert)

    def save(self, dataset: Dataset) -> None:
        key = (dataset.org_id, dataset.id)
        claim = (dataset.org_id, dataset.name.lower())

        def apply(s: Any) -> None:
            s.datasets[key] = bumped(dataset, s.datasets.get(key), STALE_DATASET)

        def release(s: Any) -> None:
            if s.names.get(claim) != dataset.id:
                raise STALE_DATASET
            del s.names[claim]

        self._stage(("datasets", *key), apply)
        if dataset.deleted:
            self._stage(("names", *claim), release)


class InMemoryDatasetVersions(FakeRepository):
    def get(self, org_id: str, dataset_id: str, number: int) -> DatasetVersion | None:
        found: DatasetVersion | None = self._s.versions.get((org_id, dataset_id, number))
        return found

    def list(self, org_id: str, dataset_id: str, *, page: PageRequest) -> Page[DatasetVersion]:
        ours = [v for k, v in self._s.versions.items() if k[:2] == (org_id, dataset_id)]
        scope = ("dataset-versions", org_id, dataset_id)
        return newest_first(ours, page, scope=scope, key=lambda v: (f"{v.number:08d}",))

    def add(self, version: DatasetVersion) -> None:
        key = (version.org_id, version.dataset_id, version.number)

        def apply(s: Any) -> None:
            if key in s.versions:
                raise Conflict(f"version {version.number} exists")
            s.versions[key] = replace(version, version=1)

        self._stage(("versions", *key), apply)


class InMemoryDatasetLineage(FakeRepository):
    """Over any store with `datasets` and `usages` (the datasets' own, or the tracking
    store standing for the `datasets` table a run's transaction writes to)."""

    def resolve(self, org_id: str, dataset_id: str) -> Dataset | None:
        found: Dataset | None = self._s.datasets.get((org_id, dataset_id))
        return found if found is not None and not found.deleted else None

    def link(self, usage: DatasetUsage) -> None:
        key = (usage.org_id, usage.dataset_id, usage.number, usage.run_id)

        def apply(s: Any) -> None:
            s.usages[key] = usage

        self._stage(("usages", *key), apply)

    def runs(
        self, org_id: str, dataset_id: str, *, number: int | None, page: PageRequest
    ) -> Page[DatasetUsage]:
        ours = sorted(
            (
                u
                for (o, d, n, _), u in self._s.usages.items()
                if (o, d) == (org_id, dataset_id) and number in (None, n)
            ),
            key=lambda u: (f"{u.number:08d}", u.run_id),
        )
        scope = ("lineage", org_id, dataset_id, number)
        return page_of(ours, page, scope=scope, key=lambda u: (f"{u.number:08d}", u.run_id))

    def used_by(self, org_id: str, run_id: str, *, page: PageRequest) -> Page[DatasetUsage]:
        ours = sorted(
            (u for (o, _, _, r), u in self._s.usages.items() if (o, r) == (org_id, run_id)),
            key=lambda u: (u.dataset_id, f"{u.number:08d}"),
        )
        scope = ("run-datasets", org_id, run_id)
        return page_of(ours, page, scope=scope, key=lambda u: (u.dataset_id, f"{u.number:08d}"))


class InMemoryDatasetsUnitOfWork(FakeUnitOfWork):
    """Events are published to `store.events` by the commit, like the store's outbox."""

    store: DatasetStore

    def __init__(self, store: DatasetStore) -> None:
        super().__init__(store)
        self.datasets = InMemoryDatasets(self)
        self.versions = InMemoryDatasetVersions(self)
        self.lineage = InMemoryDatasetLineage(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))
