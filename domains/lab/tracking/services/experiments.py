"""Experiments: create in a project (name unique in the organisation, as MLflow wants), read,
rename and describe, soft-delete and restore, list a project's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from domains.lab.access import ProjectAccess, require_role
from domains.lab.tracking.model import (
    ACTIVE,
    DELETED,
    MAX_TAG_CHARS,
    MAX_TAGS,
    Experiment,
    check_name,
    check_pairs,
    invalid,
)
from domains.lab.tracking.ports import TrackingUnitOfWork, UnitOfWorkFactory
from domains.lab.tracking.selectors import experiment_with_role
from domains.shared.clock import Clock
from domains.shared.errors import Conflict
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

Change = Callable[[Experiment, datetime], Experiment]
LIFECYCLES = (ACTIVE, DELETED, "all")


def _description(raw: str) -> str:
    if len(raw) > 5000:
        raise invalid(["description"], "at most 5000 characters")
    return raw


def _tags(raw: Mapping[str, str]) -> dict[str, str]:
    return check_pairs(raw, "tags", limit=MAX_TAGS, value_chars=MAX_TAG_CHARS)


class ExperimentService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, projects: ProjectAccess) -> None:
        self._uow = uow
        self._clock = clock
        self._projects = projects

    def create(
        self,
        *,
        ctx: TenantContext,
        project_id: str,
        name: str,
        description: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> Experiment:
        """Needs editor on the project; Conflict when the organisation has the name."""
        ctx.require(Permission.LAB_WRITE)
        now = self._clock.now()
        experiment = Experiment(
            ctx.org_id,
            new_id(),
            project_id,
            check_name(name),
            ctx.principal.user_id,
            now,
            now,
            _description(description),
            _tags(tags or {}),
        )
        require_role(self._projects, ctx, project_id, "editor")
        with self._uow() as uow:
            uow.experiments.add(experiment)
            self._record(uow, ctx, experiment, "create", "Created", now, name=experiment.name)
            uow.commit()
        return replace(experiment, version=1)

    def get(self, *, ctx: TenantContext, experiment_id: str) -> Experiment:
        ctx.require(Permission.LAB_READ)
        with self._uow() as uow:
            return experiment_with_role(self._projects, ctx, uow, experiment_id, "viewer")

    def get_by_name(self, *, ctx: TenantContext, name: str) -> Experiment:
        """MLflow's get-experiment-by-name: names are unique in the organisation."""
        ctx.require(Permission.LAB_READ)
        with self._uow() as uow:
            claimed = uow.experiments.get_by_name(ctx.org_id, name.strip())
            wanted = found(claimed, "experiment")
            return experiment_with_role(self._projects, ctx, uow, wanted.id, "viewer")

    def list(
        self,
        *,
        ctx: TenantContext,
        project_id: str | None,
        lifecycle: str,
        page: PageRequest,
    ) -> Page[Experiment]:
        """A project's experiments (recently updated first) or, without a project, the
        organisation's newest first, those of projects I can see."""
        ctx.require(Permission.LAB_READ)
        if lifecycle not in LIFECYCLES:
            raise invalid(["lifecycle"], f"one of {list(LIFECYCLES)}")
        stage = None if lifecycle == "all" else lifecycle
        if project_id is not None:
            require_role(self._projects, ctx, project_id, "viewer")
        with self._uow() as uow:
            if project_id is not None:
                return uow.experiments.list_project(
                    ctx.org_id, project_id, lifecycle=stage, page=page
                )
            found = uow.experiments.list_org(ctx.org_id, lifecycle=stage, page=page)
        roles = {p: self._projects.role(ctx, p) for p in {e.project_id for e in found.items}}
        return Page([e for e in found.items if roles[e.project_id]], found.next_cursor)

    def update(
        self,
        *,
        ctx: TenantContext,
        experiment_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Experiment:
        """Rename (the name claim moves in the same transaction), describe, retag."""

        def change(e: Experiment, now: datetime) -> Experiment:
            if not e.active:
                raise Conflict("the experiment is deleted: restore it first")
            return replace(
                e,
                name=check_name(name) if name is not None else e.name,
                description=_description(description) if description is not None else e.description,
                tags=_tags(tags) if tags is not None else e.tags,
            )

        return self._change(ctx, experiment_id, expected_version, change, "update", "Updated")

    def delete(
        self, *, ctx: TenantContext, experiment_id: str, expected_version: int | None = None
    ) -> Experiment:
        """Soft: the experiment is marked deleted (its runs stay) and keeps its name, as
        MLflow's do; needs admin on the project."""

        def change(e: Experiment, now: datetime) -> Experiment:
            if not e.active:
                raise Conflict("the experiment is deleted already")
            return replace(e, lifecycle_stage=DELETED, deleted_at=now)

        return self._change(
            ctx, experiment_id, expected_version, change, "delete", "Deleted", role="admin"
        )

    def restore(
        self, *, ctx: TenantContext, experiment_id: str, expected_version: int | None = None
    ) -> Experiment:
        def change(e: Experiment, now: datetime) -> Experiment:
            if e.active:
                raise Conflict("the experiment is not deleted")
            return replace(e, lifecycle_stage=ACTIVE, deleted_at=None)

        return self._change(
            ctx, experiment_id, expected_version, change, "restore", "Restored", role="admin"
        )

    def _change(
        self,
        ctx: TenantContext,
        experiment_id: str,
        expected_version: int | None,
        change: Change,
        verb: str,
        past: str,
        role: str = "editor",
    ) -> Experiment:
        ctx.require(Permission.LAB_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            experiment = experiment_with_role(self._projects, ctx, uow, experiment_id, role)
            check_version(expected_version, experiment.version, "experiment")
            changed = replace(change(experiment, now), updated_at=now)
            renamed = experiment.name if changed.name != experiment.name else None
            uow.experiments.save(changed, old_name=renamed)
            self._record(uow, ctx, changed, verb, past, now)
            uow.commit()
        return replace(changed, version=experiment.version + 1)

    @staticmethod
    def _record(
        uow: TrackingUnitOfWork,
        ctx: TenantContext,
        experiment: Experiment,
        verb: str,
        past: str,
        at: datetime,
        **details: str,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"experiment.{verb}",
            event=f"Experiment{past}",
            resource=("experiment", experiment.id),
            at=at,
            project_id=experiment.project_id,
            **details,
        )
