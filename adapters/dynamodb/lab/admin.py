"""The AI Lab's staff browsers over DynamoDB: what the admin lists across organisations.

The model registry's models and versions are a paginated Scan each (ARCHITECTURE allows Scan
for admin browsing only), filtered to the one kind of item wanted (`models` holds name
claims beside the models, `lab-model-registry` pointers, aliases and metric points beside
the versions)."""

from __future__ import annotations

from collections.abc import Callable

from boto3.dynamodb.conditions import Attr, ConditionBase

from adapters.dynamodb.lab.datasets import DynamoDatasetsUnitOfWork
from adapters.dynamodb.lab.datasets_keys import META
from adapters.dynamodb.lab.registry import DynamoRegistryUnitOfWork
from adapters.dynamodb.lab.registry_keys import MODEL_PREFIX, VERSION_PREFIX
from adapters.dynamodb.lab.tracking import DynamoTrackingUnitOfWork
from domains.lab.datasets.model import Dataset
from domains.lab.registry.model import ModelVersion, RegisteredModel
from domains.lab.tracking.model import Experiment, Run
from domains.shared.pagination import Page, PageRequest


def _with(where: ConditionBase, name: str, value: str | None) -> ConditionBase:
    return where & Attr(name).eq(value) if value else where


class DynamoRegistryStaffBrowser:
    def __init__(self, uow: Callable[[], DynamoRegistryUnitOfWork]) -> None:
        self._uow = uow

    def models(self, page: PageRequest, *, task: str | None = None) -> Page[RegisteredModel]:
        where = _with(Attr("sk").begins_with(MODEL_PREFIX), "task", task)
        return self._uow().models._scan_page(page=page, filter=where)

    def versions(
        self, page: PageRequest, *, stage: str | None = None, status: str | None = None
    ) -> Page[ModelVersion]:
        where = _with(Attr("sk").begins_with(VERSION_PREFIX), "stage", stage)
        where = _with(where, "deployment_status", status)
        return self._uow().versions._scan_page(page=page, filter=where)


class DynamoTrackingStaffBrowser:
    """Experiments and runs across organisations (`experiments` holds name claims beside
    the experiments: the filter keeps EXP# items)."""

    def __init__(self, uow: Callable[[], DynamoTrackingUnitOfWork]) -> None:
        self._uow = uow

    def experiments(
        self, page: PageRequest, *, org_id: str | None, lifecycle: str | None
    ) -> Page[Experiment]:
        where = _with(Attr("sk").begins_with("EXP#"), "org_id", org_id)
        where = _with(where, "lifecycle_stage", lifecycle)
        return self._uow().experiments._scan_page(page=page, filter=where)

    def runs(self, page: PageRequest, *, org_id: str | None, status: str | None) -> Page[Run]:
        where = _with(Attr("sk").eq("RUN"), "org_id", org_id)
        where = _with(where, "status", status)
        return self._uow().runs._scan_page(page=page, filter=where)


class DynamoDatasetsStaffBrowser:
    """Datasets across organisations (`datasets` holds versions, lineage items and name
    claims beside them: the filter keeps META items)."""

    def __init__(self, uow: Callable[[], DynamoDatasetsUnitOfWork]) -> None:
        self._uow = uow

    def datasets(self, page: PageRequest) -> Page[Dataset]:
        return self._uow().datasets._scan_page(page=page, filter=Attr("sk").eq(META))
