"""Dataset use cases: register (the name claimed in the same transaction), update metadata,
delete (soft: the name is freed, versions and lineage stay), and add immutable versions
numbered under the dataset's own version, so two writers never take one number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from domains.lab.access import ProjectAccess, require_role
from domains.lab.datasets.model import (
    Column,
    Dataset,
    DatasetVersion,
    VersionDraft,
    check_checksum,
    check_columns,
    check_count,
    check_format,
    check_name,
    check_s3_uri,
    check_text,
)
from domains.lab.datasets.ports import DatasetsUnitOfWork, UnitOfWorkFactory
from domains.lab.datasets.selectors import dataset_with_role
from domains.shared.clock import Clock
from domains.shared.errors import PreconditionFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version
from domains.shared.ids import new_id
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext

ATTEMPTS = 5  # writers racing for the next version number without If-Match
UNSET: Any = object()


class DatasetService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def register(
        self,
        *,
        ctx: TenantContext,
        name: str,
        project_id: str,
        s3_uri: str,
        format: str,
        description: str = "",
        tags: Iterable[str] = (),
        columns: Iterable[Column] = (),
        size_bytes: int | None = None,
        row_count: int | None = None,
    ) -> Dataset:
        """Needs editor on the project; Conflict when the organisation has the name."""
        ctx.require(Permission.MODEL_WRITE)
        now = self._clock.now()
        dataset = Dataset(
            org_id=ctx.org_id,
            id=new_id(),
            name=check_name(name),
            project_id=project_id,
            s3_uri=check_s3_uri(s3_uri),
            format=check_format(format),
            created_by=ctx.principal.user_id,
            created_at=now,
            updated_at=now,
            description=check_text("description", description),
            tags=check_tags(tags),
            columns=check_columns(columns),
            size_bytes=check_count("size_bytes", size_bytes),
            row_count=check_count("row_count", row_count),
        )
        require_role(self._projects, ctx, project_id, "editor")
        with self._uow() as uow:
            uow.datasets.add(dataset)
            self._record(uow, ctx, dataset, "register", "DatasetRegistered", name=dataset.name)
            uow.commit()
        return replace(dataset, version=1)

    def update(
        self,
        *,
        ctx: TenantContext,
        dataset_id: str,
        expected_version: int | None,
        description: str = UNSET,
        tags: Iterable[str] = UNSET,
        s3_uri: str = UNSET,
        format: str = UNSET,
        columns: Iterable[Column] = UNSET,
        size_bytes: int | None = UNSET,
        row_count: int | None = UNSET,
    ) -> Dataset:
        """Change the metadata given (name and project stay); If-Match is the revision."""
        ctx.require(Permission.MODEL_WRITE)
        changes: dict[str, Any] = {}
        if description is not UNSET:
            changes["description"] = check_text("description", description)
        if tags is not UNSET:
            changes["tags"] = check_tags(tags)
        if s3_uri is not UNSET:
            changes["s3_uri"] = check_s3_uri(s3_uri)
        if format is not UNSET:
            changes["format"] = check_format(format)
        if columns is not UNSET:
            changes["columns"] = check_columns(columns)
        if size_bytes is not UNSET:
            changes["size_bytes"] = check_count("size_bytes", size_bytes)
        if row_count is not UNSET:
            changes["row_count"] = check_count("row_count", row_count)
        with self._uow() as uow:
            dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "editor")
            check_version(expected_version, dataset.version, "dataset")
            changed = replace(dataset, **changes, updated_at=self._clock.now())
            uow.datasets.save(changed)
            self._record(uow, ctx, changed, "update", "DatasetUpdated", fields=sorted(changes))
            uow.commit()
        return replace(changed, version=dataset.version + 1)

    def delete(self, *, ctx: TenantContext, dataset_id: str, expected_version: int | None) -> None:
        """Soft: the dataset leaves every list and answers 404, its name is free again; its
        versions and lineage items stay, so the runs that used it keep their record."""
        ctx.require(Permission.MODEL_WRITE)
        with self._uow() as uow:
            dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "editor")
            check_version(expected_version, dataset.version, "dataset")
            now = self._clock.now()
            uow.datasets.save(replace(dataset, deleted_at=now, updated_at=now))
            self._record(uow, ctx, dataset, "delete", "DatasetDeleted", name=dataset.name)
            uow.commit()

    def add_version(
        self,
        *,
        ctx: TenantContext,
        dataset_id: str,
        draft: VersionDraft,
        expected_version: int | None = None,
    ) -> tuple[Dataset, DatasetVersion]:
        """The next numbered version. The dataset's number moves in the same transaction; a
        writer that loses the race retries with the next number (or, with If-Match, is told
        the dataset is stale)."""
        ctx.require(Permission.MODEL_WRITE)
        s3_uri = check_s3_uri(draft.s3_uri)
        checksum = check_checksum(draft.checksum)
        size = check_count("size_bytes", draft.size_bytes)
        rows = check_count("row_count", draft.row_count)
        columns = check_columns(draft.columns) if draft.columns is not None else None
        description = check_text("description", draft.description)
        for attempt in range(ATTEMPTS):
            try:
                with self._uow() as uow:
                    dataset = dataset_with_role(self._projects, ctx, uow, dataset_id, "editor")
                    check_version(expected_version, dataset.version, "dataset")
                    now = self._clock.now()
                    number = dataset.latest_version + 1
                    added = DatasetVersion(
                        org_id=ctx.org_id,
                        dataset_id=dataset.id,
                        number=number,
                        project_id=dataset.project_id,
                        s3_uri=s3_uri,
                        checksum=checksum,
                        created_by=ctx.principal.user_id,
                        created_at=now,
                        size_bytes=size,
                        row_count=rows,
                        columns=dataset.columns if columns is None else columns,
                        description=description,
                    )
                    changed = replace(dataset, latest_version=number, updated_at=now)
                    uow.versions.add(added)
                    uow.datasets.save(changed)
                    self._record(uow, ctx, dataset, "version", "DatasetVersionAdded", number=number)
                    uow.commit()
                return replace(changed, version=dataset.version + 1), replace(added, version=1)
            except PreconditionFailed:
                if expected_version is not None or attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _record(
        self,
        uow: DatasetsUnitOfWork,
        ctx: TenantContext,
        dataset: Dataset,
        verb: str,
        event: str,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"dataset.{verb}",
            event=event,
            resource=("dataset", dataset.id),
            at=self._clock.now(),
            project_id=dataset.project_id,
            **details,
        )
