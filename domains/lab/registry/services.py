"""Registry use cases: register a model (with or without its first version), add versions,
move aliases and record performance metrics. Stages and deployments are in lifecycle.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from domains.lab.access import ProjectAccess, require_role
from domains.lab.registry.model import (
    DeploymentChange,
    MetricPoint,
    ModelAlias,
    ModelVersion,
    RegisteredModel,
    VersionDraft,
    check_alias,
    check_artifact,
    check_metrics,
    check_name,
    check_signature,
    check_word,
    invalid,
)
from domains.lab.registry.ports import RegistryUnitOfWork, UnitOfWorkFactory
from domains.lab.registry.selectors import load_version, model_with_role
from domains.shared.clock import Clock
from domains.shared.errors import ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext

FUTURE_SLACK = timedelta(minutes=5)  # clocks of the callers that post metrics drift


def check_text(field_name: str, raw: str, *, high: int) -> str:
    text = raw.strip()
    if len(text) > high:
        raise invalid(field_name, f"at most {high} characters")
    return text


def new_version(
    ctx: TenantContext, model: RegisteredModel, number: int, draft: VersionDraft, at: datetime
) -> ModelVersion:
    """Version `number` of `model` from a draft (422 on any bad field): stage none, pending."""
    if draft.source_run_id is not None and not is_valid_id(draft.source_run_id):
        raise invalid("source_run_id", "a run id")
    user = ctx.principal.user_id
    return ModelVersion(
        org_id=ctx.org_id,
        model_id=model.id,
        number=number,
        model_name=model.name,
        task=model.task,
        framework=model.framework,
        project_id=model.project_id,
        artifact_uri=check_artifact(draft.artifact_uri),
        created_by=user,
        created_at=at,
        updated_at=at,
        source_run_id=draft.source_run_id,
        signature=check_signature(draft.signature),
        metrics=check_metrics(draft.metrics),
        description=check_text("description", draft.description, high=2000),
        history=(DeploymentChange("pending", at, user),),
    )


class ModelRegistryService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def register(
        self,
        *,
        ctx: TenantContext,
        name: str,
        task: str,
        framework: str,
        project_id: str,
        description: str = "",
        tags: Iterable[str] = (),
        first: VersionDraft | None = None,
    ) -> tuple[RegisteredModel, ModelVersion | None]:
        """The model (its name claimed in the same transaction: Conflict if taken) and, when
        `first` is given, its version 1."""
        ctx.require(Permission.MODEL_WRITE)
        now = self._clock.now()
        model = RegisteredModel(
            org_id=ctx.org_id,
            id=new_id(),
            name=check_name(name),
            task=check_word("task", task),
            framework=check_word("framework", framework),
            project_id=project_id,
            created_by=ctx.principal.user_id,
            created_at=now,
            updated_at=now,
            description=check_text("description", description, high=2000),
            tags=check_tags(tags),
            latest_version=1 if first else 0,
        )
        version = new_version(ctx, model, 1, first, now) if first else None
        require_role(self._projects, ctx, project_id, "editor")
        with self._uow() as uow:
            uow.models.add(model)
            self._record(uow, ctx, model, "register", "ModelRegistered", name=model.name)
            if version is not None:
                uow.versions.add(version)
                self._record(uow, ctx, model, "version", "ModelVersionAdded", number=1)
            uow.commit()
        added = replace(version, version=1) if version else None
        return replace(model, version=1), added

    def add_version(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        draft: VersionDraft,
        expected_version: int | None = None,
    ) -> tuple[RegisteredModel, ModelVersion]:
        """The next numbered version: the model's number moves in the same transaction, so
        two writers cannot both take one number (the later one is told it is stale)."""
        ctx.require(Permission.MODEL_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            check_version(expected_version, model.version, "model")
            number = model.latest_version + 1
            added = new_version(ctx, model, number, draft, now)
            changed = replace(model, latest_version=number, updated_at=now)
            uow.versions.add(added)
            uow.models.save(changed)
            self._record(uow, ctx, model, "version", "ModelVersionAdded", number=number)
            uow.commit()
        return replace(changed, version=model.version + 1), replace(added, version=1)

    def set_alias(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        alias: str,
        number: int,
        expected_version: int | None = None,
    ) -> ModelAlias:
        """Point `alias` at version `number` (new, or moved from where it was)."""
        ctx.require(Permission.MODEL_WRITE)
        name = check_alias(alias)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            if not 1 <= number <= model.latest_version:
                raise invalid(
                    "version", f"no version {number} (the newest is {model.latest_version})"
                )
            current = uow.aliases.get(ctx.org_id, model.id, name)
            check_version(expected_version, current.version if current else 0, "alias")
            moved = ModelAlias(
                ctx.org_id,
                model.id,
                name,
                number,
                ctx.principal.user_id,
                self._clock.now(),
                current.version if current else 0,
            )
            uow.aliases.put(moved)
            self._record(uow, ctx, model, "alias", "ModelAliasMoved", alias=name, number=number)
            uow.commit()
        return replace(moved, version=moved.version + 1)

    def remove_alias(
        self, *, ctx: TenantContext, model_id: str, alias: str, expected_version: int | None
    ) -> None:
        ctx.require(Permission.MODEL_WRITE)
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            current = found(uow.aliases.get(ctx.org_id, model.id, alias), "alias")
            check_version(expected_version, current.version, "alias")
            uow.aliases.remove(current)
            self._record(uow, ctx, model, "alias_remove", "ModelAliasRemoved", alias=alias)
            uow.commit()

    def record_metrics(
        self,
        *,
        ctx: TenantContext,
        model_id: str,
        number: int,
        values: Mapping[str, float],
        at: datetime | None = None,
    ) -> MetricPoint:
        """One measurement of a version's performance (now, or when it was measured)."""
        ctx.require(Permission.MODEL_WRITE)
        checked = check_metrics(values)
        if not checked:
            raise ValidationFailed(
                "no metrics", errors=[{"loc": ["values"], "msg": "at least one metric"}]
            )
        now = self._clock.now()
        if at is not None and at > now + FUTURE_SLACK:
            raise invalid("at", "not in the future")
        with self._uow() as uow:
            model = model_with_role(self._projects, ctx, uow, model_id, "editor")
            load_version(uow, model, number)
            point = MetricPoint(
                ctx.org_id, model.id, number, new_id(), at or now, checked, ctx.principal.user_id
            )
            uow.metrics.add(point)
            self._record(uow, ctx, model, "metrics", "ModelMetricsRecorded", number=number)
            uow.commit()
        return point

    def _record(
        self,
        uow: RegistryUnitOfWork,
        ctx: TenantContext,
        model: RegisteredModel,
        verb: str,
        event: str,
        **details: Any,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"model.{verb}",
            event=event,
            resource=("model", model.id),
            at=self._clock.now(),
            **details,
        )
