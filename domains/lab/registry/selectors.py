"""Reading the registry: a model with its versions, aliases and production version; the
registry list (models, or versions by run, status, stage or project); a version's metrics.

A model lives in a project: who cannot see the project gets 404 for its models, as for
another organisation's, and org-wide lists leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domains.lab.access import ProjectAccess, require_role
from domains.lab.registry.model import (
    PRODUCTION,
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    check_stage,
    check_status,
    check_word,
    invalid,
)
from domains.lab.registry.ports import RegistryUnitOfWork, UnitOfWorkFactory, VersionFilter
from domains.shared.errors import NotFound
from domains.shared.guards import found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


def load_model(ctx: TenantContext, uow: RegistryUnitOfWork, model_id: str) -> RegisteredModel:
    """404 for an id that is malformed, absent, or another organisation's."""
    wanted = uow.models.get(ctx.org_id, model_id) if is_valid_id(model_id) else None
    return found(wanted, "model")


def model_with_role(
    projects: ProjectAccess, ctx: TenantContext, uow: RegistryUnitOfWork, model_id: str, role: str
) -> RegisteredModel:
    """The model, if its project grants `role` (an invisible project hides it: 404)."""
    model = load_model(ctx, uow, model_id)
    try:
        require_role(projects, ctx, model.project_id, role)
    except NotFound:
        raise NotFound("model not found") from None
    return model


def load_version(
    uow: RegistryUnitOfWork, model: RegisteredModel, number: int, *, consistent: bool = False
) -> ModelVersion:
    wanted = None
    if 1 <= number <= model.latest_version:
        wanted = uow.versions.get(model.org_id, model.id, number, consistent=consistent)
    return found(wanted, "model version")


@dataclass(frozen=True)
class ModelDetail:
    model: RegisteredModel
    versions: Page[ModelVersion]
    aliases: list[ModelAlias]
    production_version: int | None


@dataclass(frozen=True)
class RegistryEntry:
    """One row of the registry list: a model, or one of its versions (with `model` None
    when the list was of versions: a version carries its model's fixed fields)."""

    model: RegisteredModel | None
    version: ModelVersion | None


class RegistrySelector:
    def __init__(self, *, uow: UnitOfWorkFactory, projects: ProjectAccess) -> None:
        self._uow = uow
        self._projects = projects

    def get(self, *, ctx: TenantContext, model_id: str, page: PageRequest) -> ModelDetail:
        """The model with a page of its versions (newest first), its aliases and which
        version is in production."""
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "viewer")
            versions = uow.versions.list(ctx.org_id, model.id, page=page)
            aliases = uow.aliases.list(ctx.org_id, model.id)
            pointer = uow.stages.get(ctx.org_id, model.id, PRODUCTION)
        return ModelDetail(model, versions, aliases, pointer.number if pointer else None)

    def by_name(self, *, ctx: TenantContext, name: str) -> RegisteredModel:
        """A model by its name (unique in the organisation, any case), as MLflow reads one."""
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            claimed = found(uow.models.get_by_name(ctx.org_id, name.strip()), "model")
            return model_with_role(self._projects, ctx, uow, claimed.id, "viewer")

    def version(self, *, ctx: TenantContext, model_id: str, number: int) -> ModelVersion:
        ctx.require(Permission.MODEL_READ)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "viewer")
            return load_version(uow, model, number)

    def list(
        self, *, ctx: TenantContext, wanted: VersionFilter, page: PageRequest
    ) -> Page[RegistryEntry]:
        """Versions when a run, status or stage is asked for; models otherwise."""
        ctx.require(Permission.MODEL_READ)
        wanted = self._checked(wanted)
        if wanted.project_id is not None:
            require_role(self._projects, ctx, wanted.project_id, "viewer")
        with self._uow() as uow:
            if wanted.run_id or wanted.status or wanted.stage:
                versions = uow.versions.find(ctx.org_id, wanted, page=page)
                seen = self._roles(ctx, {v.project_id for v in versions.items})
                rows = [RegistryEntry(None, v) for v in versions.items if seen[v.project_id]]
                return Page(rows, versions.next_cursor)
            models = uow.models.list(
                ctx.org_id, page=page, project_id=wanted.project_id, task=wanted.task
            )
        seen = self._roles(ctx, {m.project_id for m in models.items})
        return Page(
            [RegistryEntry(m, None) for m in models.items if seen[m.project_id]],
            models.next_cursor,
        )

    def metrics(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        number: int | None,
        start: datetime | None,
        end: datetime | None,
        page: PageRequest,
    ) -> Page[MetricPoint]:
        """A version's metrics over time (every version's, by version, when None)."""
        ctx.require(Permission.MODEL_READ)
        if start is not None and end is not None and start > end:
            raise invalid("from", "must not be after `to`")
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "viewer")
            if number is not None:
                load_version(uow, model, number)
            return uow.metrics.list(
                ctx.org_id, model.id, number=number, start=start, end=end, page=page
            )

    def _checked(self, wanted: VersionFilter) -> VersionFilter:
        if wanted.run_id is not None and not is_valid_id(wanted.run_id):
            raise invalid("run_id", "a run id")
        if wanted.project_id is not None and not is_valid_id(wanted.project_id):
            raise NotFound("project not found")
        return VersionFilter(
            status=check_status(wanted.status) if wanted.status else None,
            stage=check_stage(wanted.stage) if wanted.stage else None,
            project_id=wanted.project_id,
            task=check_word("task", wanted.task) if wanted.task else None,
            run_id=wanted.run_id,
        )

    def _roles(self, ctx: TenantContext, projects: set[str]) -> dict[str, str | None]:
        """One role lookup per distinct project of a page."""
        return {p: self._projects.role(ctx, p) for p in projects}
