"""Datasets over DynamoDB (`datasets`): the META item with its name claim written in the same
transaction, immutable versions, and the lineage items experiment tracking stages in a run's
transaction (DynamoDatasetLineage is in its unit of work too)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.lab.datasets_keys import (
    DATASETS_TABLE,
    VERSION_PREFIX,
    dataset_index_keys,
    dataset_partition,
    meta_key,
    name_key,
    org_datasets_partition,
    run_partition,
    usage_index_keys,
    usage_key,
    usage_prefix,
    version_key,
)
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.staged import StagedRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.lab.datasets.model import Column, Dataset, DatasetUsage, DatasetVersion
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE_DATASET = PreconditionFailed("the dataset changed since it was read")


def _columns(columns: tuple[Column, ...]) -> list[dict[str, str]]:
    return [{"name": c.name, "type": c.type, "description": c.description} for c in columns]


def _read_columns(raw: Any) -> tuple[Column, ...]:
    return tuple(Column(c["name"], c["type"], c.get("description", "")) for c in raw or ())


def _count(raw: Any) -> int | None:
    return None if raw is None else int(raw)


class DynamoDatasetRepository(StagedRepository[Dataset]):
    table = DATASETS_TABLE

    def to_item(self, entity: Dataset) -> dict[str, Any]:
        listed = (
            {}
            if entity.deleted
            else dataset_index_keys(entity.org_id, entity.id, entity.updated_at)
        )
        return {
            **meta_key(entity.org_id, entity.id),
            **listed,
            "org_id": entity.org_id,
            "id": entity.id,
            "name": entity.name,
            "project_id": entity.project_id,
            "s3_uri": entity.s3_uri,
            "format": entity.format,
            "description": entity.description,
            "tags": set(entity.tags),
            "columns": _columns(entity.columns),
            "size_bytes": entity.size_bytes,
            "row_count": entity.row_count,
            "latest_version": entity.latest_version,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
            "deleted_at": entity.deleted_at,
        }

    def from_item(self, item: dict[str, Any]) -> Dataset:
        return Dataset(
            org_id=item["org_id"],
            id=item["id"],
            name=item["name"],
            project_id=item["project_id"],
            s3_uri=item["s3_uri"],
            format=item["format"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            description=item.get("description", ""),
            tags=frozenset(item.get("tags", ())),
            columns=_read_columns(item.get("columns")),
            size_bytes=_count(item.get("size_bytes")),
            row_count=_count(item.get("row_count")),
            latest_version=int(item.get("latest_version", 0)),
            deleted_at=item.get("deleted_at"),
            version=int(item.get("version", 0)),
        )

    def get(self, org_id: str, dataset_id: str) -> Dataset | None:
        return self._get(meta_key(org_id, dataset_id))

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        tag: str | None = None,
    ) -> Page[Dataset]:
        filters: ConditionBase | None = None
        if project_id is not None:
            filters = Attr("project_id").eq(project_id)
        if tag is not None:
            has_tag = Attr("tags").contains(tag)
            filters = has_tag if filters is None else filters & has_tag
        key = Key("gsi1pk").eq(org_datasets_partition(org_id))
        return self._query_page(key, index="gsi1", page=page, scan_forward=False, filter=filters)

    def add(self, dataset: Dataset) -> None:
        taken = Conflict(f"a dataset named {dataset.name!r} exists in the organisation")
        claim = {**name_key(dataset.org_id, dataset.name), "dataset_id": dataset.id}
        self._uow.stage(
            lambda tx: tx.put(self.table, claim, condition=Attr("pk").not_exists()),
            on_condition=taken,
        )
        self._stage_insert(self.to_item(dataset), on_condition=Conflict("dataset exists"))

    def save(self, dataset: Dataset) -> None:
        self._stage_replace(
            self.to_item(dataset), version=dataset.version, on_condition=STALE_DATASET
        )
        if dataset.deleted:
            claim = name_key(dataset.org_id, dataset.name)
            held = Attr("dataset_id").eq(dataset.id)
            self._uow.stage(
                lambda tx: tx.delete(self.table, claim, condition=held),
                on_condition=STALE_DATASET,
            )


class DynamoDatasetVersionRepository(StagedRepository[DatasetVersion]):
    table = DATASETS_TABLE

    def to_item(self, entity: DatasetVersion) -> dict[str, Any]:
        return {
            **version_key(entity.org_id, entity.dataset_id, entity.number),
            "org_id": entity.org_id,
            "dataset_id": entity.dataset_id,
            "number": entity.number,
            "project_id": entity.project_id,
            "s3_uri": entity.s3_uri,
            "checksum": entity.checksum,
            "size_bytes": entity.size_bytes,
            "row_count": entity.row_count,
            "columns": _columns(entity.columns),
            "description": entity.description,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
        }

    def from_item(self, item: dict[str, Any]) -> DatasetVersion:
        return DatasetVersion(
            org_id=item["org_id"],
            dataset_id=item["dataset_id"],
            number=int(item["number"]),
            project_id=item["project_id"],
            s3_uri=item["s3_uri"],
            checksum=item["checksum"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            size_bytes=_count(item.get("size_bytes")),
            row_count=_count(item.get("row_count")),
            columns=_read_columns(item.get("columns")),
            description=item.get("description", ""),
            version=int(item.get("version", 0)),
        )

    def get(self, org_id: str, dataset_id: str, number: int) -> DatasetVersion | None:
        return self._get(version_key(org_id, dataset_id, number))

    def list(self, org_id: str, dataset_id: str, *, page: PageRequest) -> Page[DatasetVersion]:
        where = Key("pk").eq(dataset_partition(org_id, dataset_id)) & Key("sk").begins_with(
            VERSION_PREFIX
        )
        return self._query_page(where, page=page, scan_forward=False)

    def add(self, version: DatasetVersion) -> None:
        taken = Conflict(f"version {version.number} exists")
        self._stage_insert(self.to_item(version), on_condition=taken)


class DynamoDatasetLineage(StagedRepository[DatasetUsage]):
    table = DATASETS_TABLE

    def to_item(self, entity: DatasetUsage) -> dict[str, Any]:
        return {
            **usage_key(entity.org_id, entity.dataset_id, entity.number, entity.run_id),
            **usage_index_keys(entity.org_id, entity.dataset_id, entity.number, entity.run_id),
            "org_id": entity.org_id,
            "dataset_id": entity.dataset_id,
            "number": entity.number,
            "run_id": entity.run_id,
            "experiment_id": entity.experiment_id,
            "run_project_id": entity.run_project_id,
            "dataset_project_id": entity.dataset_project_id,
            "dataset_name": entity.dataset_name,
            "used_by": entity.used_by,
            "used_at": entity.used_at,
            "context": entity.context,
        }

    def from_item(self, item: dict[str, Any]) -> DatasetUsage:
        return DatasetUsage(
            org_id=item["org_id"],
            dataset_id=item["dataset_id"],
            number=int(item["number"]),
            run_id=item["run_id"],
            experiment_id=item["experiment_id"],
            run_project_id=item["run_project_id"],
            dataset_project_id=item["dataset_project_id"],
            dataset_name=item["dataset_name"],
            used_by=item["used_by"],
            used_at=item["used_at"],
            context=item.get("context", ""),
        )

    def __init__(self, uow: DynamoUnitOfWork, **kwargs: Any) -> None:
        super().__init__(uow, **kwargs)
        self._datasets = DynamoDatasetRepository(uow, **kwargs)

    def resolve(self, org_id: str, dataset_id: str) -> Dataset | None:
        dataset = self._datasets.get(org_id, dataset_id)
        return dataset if dataset is not None and not dataset.deleted else None

    def link(self, usage: DatasetUsage) -> None:
        item = self.to_item(usage)
        self._uow.stage(lambda tx: tx.put(self.table, item), on_condition=Conflict("lineage"))

    def runs(
        self, org_id: str, dataset_id: str, *, number: int | None, page: PageRequest
    ) -> Page[DatasetUsage]:
        where = Key("pk").eq(dataset_partition(org_id, dataset_id)) & Key("sk").begins_with(
            usage_prefix(number)
        )
        return self._query_page(where, page=page)

    def used_by(self, org_id: str, run_id: str, *, page: PageRequest) -> Page[DatasetUsage]:
        key = Key("gsi2pk").eq(run_partition(org_id, run_id))
        return self._query_page(key, index="gsi2", page=page)


class DynamoDatasetsUnitOfWork(DynamoUnitOfWork):
    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        offloader: Offloader | None,
        audit_retention_days: int,
    ) -> None:
        super().__init__(client, offloader=offloader, audit_retention_days=audit_retention_days)
        shared: dict[str, Any] = {"cursors": cursors, "offloader": offloader}
        self.datasets = DynamoDatasetRepository(self, **shared)
        self.versions = DynamoDatasetVersionRepository(self, **shared)
        self.lineage = DynamoDatasetLineage(self, **shared)
