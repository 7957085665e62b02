"""Reading datasets: one dataset, the organisation's list (by project, tag), a run's
datasets, a dataset's versions and its lineage (the runs that used each version).

A dataset lives in a project: who cannot see the project gets 404 for it, as for another
organisation's, and lists leave it out; lineage leaves out runs of projects one cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass

from domains.lab.access import ProjectAccess, require_role
from domains.lab.datasets.model import Dataset, DatasetUsage, DatasetVersion, invalid
from domains.lab.datasets.ports import DatasetsUnitOfWork, UnitOfWorkFactory
from domains.shared.errors import NotFound
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext


def load_dataset(ctx: TenantContext, uow: DatasetsUnitOfWork, dataset_id: str) -> Dataset:
    """404 for an id that is malformed, absent, deleted, or another organisation's."""
    wanted = uow.datasets.get(ctx.org_id, dataset_id) if is_valid_id(dataset_id) else None
    return found(wanted if wanted is None or not wanted.deleted else None, "dataset")


def dataset_with_role(
    projects: ProjectAccess, ctx: TenantContext, uow: DatasetsUnitOfWork, dataset_id: str, role: str
) -> Dataset:
    """The dataset, if its project grants `role` (an invisible project hides it: 404)."""
    dataset = load_dataset(ctx, uow, dataset_id)
    try:
        require_role(projects, ctx, dataset.project_id, role)
    except NotFound:
        raise NotFound("dataset not found") from None
    return dataset


@dataclass(frozen=True)
class DatasetEntry:
    """A row of the dataset list; `used` is the usage when the list was a run's datasets."""

    dataset: Dataset
    used: DatasetUsage | None = None


class DatasetSelector:
    def __init__(self, *, uow: UnitOfWorkFactory, projects: ProjectAccess) -> None:
        self._uow = uow
        self._projects = projects

    def get(self, *, ctx: TenantContext, dataset_id: str) -> Dataset:
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            return dataset_with_role(self._projects, ctx, uow, dataset_id, "viewer")

    def list(
        self,
        *,
        ctx: TenantContext,
        page: PageRequest,
        project_id: str | None = None,
        tag: str | None = None,
        run_id: str | None = None,
    ) -> Page[DatasetEntry]:
        """The organisation's datasets (a project's, a tag's), or with `run_id` the dataset
        versions that run used (one row per version, by dataset then version)."""
        ctx.require(Permission.MODEL_READ)
        if project_id is not None:
            require_role(self._projects, ctx, project_id, "viewer")
        wanted_tag = next(iter(check_tags([tag]))) if tag is not None else None
        with self._uow() as uow:
            if run_id is not None:
                if not is_valid_id(run_id):
                    raise invalid("run_id", "a run id")
                return self._run_datasets(ctx, uow, run_id, page, project_id, wanted_tag)
            datasets = uow.datasets.list(
                ctx.org_id, page=page, project_id=project_id, tag=wanted_tag
            )
        seen = self._roles(ctx, {d.project_id for d in datasets.items})
        rows = [DatasetEntry(d) for d in datasets.items if seen[d.project_id]]
        return Page(rows, datasets.next_cursor)

    def _run_datasets(
        self,
        ctx: TenantContext,
        uow: DatasetsUnitOfWork,
        run_id: str,
        page: PageRequest,
        project_id: str | None,
        tag: str | None,
    ) -> Page[DatasetEntry]:
        usages = uow.lineage.used_by(ctx.org_id, run_id, page=page)
        seen = self._roles(ctx, {u.dataset_project_id for u in usages.items})
        rows: list[DatasetEntry] = []
        for usage in usages.items:
            if not seen[usage.dataset_project_id]:
                continue
            dataset = uow.datasets.get(ctx.org_id, usage.dataset_id)
            if dataset is None or dataset.deleted:
                continue
            if project_id not in (None, dataset.project_id) or tag not in (None, *dataset.tags):
                continue
            rows.append(DatasetEntry(dataset, usage))
        return Page(rows, usages.next_cursor)

    def versions(
        self, *, ctx: TenantContext, dataset_id: str, page: PageRequest
    ) -> Page[DatasetVersion]:
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "viewer")
            return uow.versions.list(ctx.org_id, dataset.id, page=page)

    def version(self, *, ctx: TenantContext, dataset_id: str, number: int) -> DatasetVersion:
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "viewer")
            wanted = None
            if 1 <= number <= dataset.latest_version:
                wanted = uow.versions.get(ctx.org_id, dataset.id, number)
            return found(wanted, "dataset version")

    def lineage(
        self, *, ctx: TenantContext, dataset_id: str, number: int | None, page: PageRequest
    ) -> tuple[Dataset, Page[DatasetUsage]]:
        """The runs that used the dataset (one version's with `number`), by version then
        run; runs of projects the caller cannot see are left out."""
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "viewer")
            usages = uow.lineage.runs(ctx.org_id, dataset.id, number=number, page=page)
        seen = self._roles(ctx, {u.run_project_id for u in usages.items})
        rows = [u for u in usages.items if seen[u.run_project_id]]
        return dataset, Page(rows, usages.next_cursor)

    def _roles(self, ctx: TenantContext, projects: set[str]) -> dict[str, str | None]:
        """One role lookup per distinct project of a page."""
        return {p: self._projects.role(ctx, p) for p in projects}
