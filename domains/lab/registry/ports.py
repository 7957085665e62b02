"""What the model registry needs from storage (implemented in adapters/dynamodb/lab)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domains.lab.registry.model import (
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    StagePointer,
)
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


@dataclass(frozen=True)
class VersionFilter:
    """Which versions a registry list wants: one of the indexed keys (run, project, status,
    stage, in that order of choice) and the rest as filters."""

    status: str | None = None
    stage: str | None = None
    project_id: str | None = None
    task: str | None = None
    run_id: str | None = None


class ModelRepository(Protocol):
    def get(self, org_id: str, model_id: str) -> RegisteredModel | None: ...

    def get_by_name(self, org_id: str, name: str) -> RegisteredModel | None:
        """The model holding the organisation's claim on `name` (any case): MLflow's way."""

    def list(
        self,
        org_id: str,
        *,
        page: PageRequest,
        project_id: str | None = None,
        task: str | None = None,
    ) -> Page[RegisteredModel]:
        """The organisation's models (by id), a project's or a task's (most recently updated
        first), the other filter applied to the page."""

    def add(self, model: RegisteredModel) -> None:
        """Stage the model and the claim on its name (Conflict if the name is taken)."""

    def save(self, model: RegisteredModel) -> None:
        """Stage the changed model (PreconditionFailed if stale)."""


class ModelVersionRepository(Protocol):
    def get(
        self, org_id: str, model_id: str, number: int, *, consistent: bool = False
    ) -> ModelVersion | None: ...

    def list(self, org_id: str, model_id: str, *, page: PageRequest) -> Page[ModelVersion]:
        """A model's versions, newest first."""

    def find(self, org_id: str, wanted: VersionFilter, *, page: PageRequest) -> Page[ModelVersion]:
        """The organisation's versions matching `wanted` (at least one of run, project,
        status or stage set), most recently updated first (a run's by model and number)."""

    def add(self, version: ModelVersion) -> None:
        """Stage a new version (Conflict if the number exists; ValidationFailed if its
        source run is not a run of the organisation, checked in the same transaction)."""

    def save(self, version: ModelVersion) -> None:
        """Stage the changed version (PreconditionFailed if stale)."""


class StagePointerRepository(Protocol):
    def get(self, org_id: str, model_id: str, stage: str) -> StagePointer | None:
        """Read consistently: a promotion decides from it."""

    def move(self, pointer: StagePointer, *, previous: StagePointer | None) -> None:
        """Stage the pointer at `pointer.number`, on condition that it still holds what
        `previous` read (absent when None): Conflict when another promotion won."""

    def remove(self, pointer: StagePointer) -> None:
        """Stage its deletion, on condition that it still holds `pointer.number`."""


class ModelAliasRepository(Protocol):
    def get(self, org_id: str, model_id: str, alias: str) -> ModelAlias | None: ...

    def list(self, org_id: str, model_id: str) -> list[ModelAlias]:
        """Every alias of a model, by name (a model has few)."""

    def put(self, alias: ModelAlias) -> None:
        """Stage the alias: new when `alias.version` is 0 (Conflict if it appeared
        meanwhile), else over that version (PreconditionFailed if stale)."""

    def remove(self, alias: ModelAlias) -> None: ...


class MetricRepository(Protocol):
    def add(self, point: MetricPoint) -> None: ...

    def list(
        self,
        org_id: str,
        model_id: str,
        *,
        number: int | None,
        start: datetime | None,
        end: datetime | None,
        page: PageRequest,
    ) -> Page[MetricPoint]:
        """Points of one version (or of every version, by version) in time order, between
        `start` and `end` inclusive."""


class RegistryUnitOfWork(UnitOfWork, Protocol):
    models: ModelRepository
    versions: ModelVersionRepository
    stages: StagePointerRepository
    aliases: ModelAliasRepository
    metrics: MetricRepository

    def publish(self, event: DomainEvent) -> None: ...


UnitOfWorkFactory = Callable[[], RegistryUnitOfWork]


class RegistryStaffBrowser(Protocol):
    """What the admin lists across organisations (a paginated Scan each: staff only)."""

    def models(self, page: PageRequest, *, task: str | None = None) -> Page[RegisteredModel]: ...

    def versions(
        self, page: PageRequest, *, stage: str | None = None, status: str | None = None
    ) -> Page[ModelVersion]: ...
