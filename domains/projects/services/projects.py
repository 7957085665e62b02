"""Projects: create in a workspace, read, update, archive and restore, move, delete, list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.projects.model import (
    PROJECT_STATUSES,
    Member,
    Project,
    check_description,
    check_name,
    check_project_status,
    check_settings,
)
from domains.projects.ports import ProjectsUnitOfWork, UnitOfWorkFactory
from domains.projects.services.access import (
    Grant,
    project_grant,
    require_project_visible,
    workspace_grant,
)
from domains.projects.services.workspaces import load_workspace
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tags import check_tags
from domains.shared.tenancy import TenantContext

Change = Callable[[Project, datetime], Project]


def load_project(ctx: TenantContext, uow: ProjectsUnitOfWork, project_id: str) -> Project:
    """404 for an id that is malformed, absent, or another organisation's."""
    wanted = uow.projects.get(ctx.org_id, project_id) if is_valid_id(project_id) else None
    return found(wanted, "project")


class ProjectService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self,
        *,
        ctx: TenantContext,
        workspace_id: str,
        name: str,
        description: str = "",
        tags: Iterable[str] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Project:
        """Needs editor on the workspace; the creator becomes the project's admin, and the
        workspace's project count moves in the same transaction."""
        ctx.require(Permission.PROJECT_WRITE)
        now = self._clock.now()
        user = ctx.principal.user_id
        project = Project(
            ctx.org_id,
            new_id(),
            workspace_id,
            check_name(name),
            user,
            now,
            now,
            check_description(description),
            check_tags(tags),
            settings=check_settings(settings or {}),
            member_count=1,
        )
        with self._uow() as uow:
            ws = load_workspace(ctx, uow, workspace_id)
            workspace_grant(ctx, uow, ws).require("editor", "creating a project")
            if ws.status != "active":
                raise Conflict("the workspace is archived; restore it first")
            uow.projects.add(project)
            admin = Member(ctx.org_id, "project", project.id, user, "admin", now, now)
            uow.project_members.add(admin, count=False)
            uow.workspaces.count_projects(ctx.org_id, ws.id, +1, at=now)
            record_change(
                uow,
                ctx,
                action="project.create",
                event="ProjectCreated",
                resource=("project", project.id),
                at=now,
                workspace_id=ws.id,
                name=project.name,
            )
            uow.commit()
        return replace(project, version=1)

    def get(self, *, ctx: TenantContext, project_id: str) -> tuple[Project, str | None]:
        """The project and my effective role on it; reading it counts as activity."""
        ctx.require(Permission.PROJECT_READ)
        with self._uow() as uow:
            project = load_project(ctx, uow, project_id)
            grant = project_grant(ctx, uow, project)
            require_project_visible(grant)
            self._touch(uow, grant)
        return project, grant.role

    def _touch(self, uow: ProjectsUnitOfWork, grant: Grant) -> None:
        now = self._clock.now()
        if grant.member is not None and grant.member.activity_due(now):
            uow.project_members.touch(grant.member, now)

    def list_workspace(
        self,
        *,
        ctx: TenantContext,
        workspace_id: str,
        page: PageRequest,
        status: str | None = None,
        tag: str | None = None,
    ) -> Page[Project]:
        """A workspace's projects, for its members and the organisation's admins."""
        ctx.require(Permission.PROJECT_READ)
        if status is not None and status not in PROJECT_STATUSES:
            raise ValidationFailed(
                "unknown status",
                errors=[{"loc": ["status"], "msg": f"one of {list(PROJECT_STATUSES)}"}],
            )
        with self._uow() as uow:
            ws = load_workspace(ctx, uow, workspace_id)
            workspace_grant(ctx, uow, ws).require("viewer", "listing a workspace's projects")
            wanted_tag = next(iter(check_tags([tag])), None) if tag else None
            return uow.projects.list_workspace(
                ctx.org_id, ws.id, page=page, status=status, tag=wanted_tag
            )

    def list_mine(self, *, ctx: TenantContext, page: PageRequest) -> Page[tuple[Project, Member]]:
        """My projects across workspaces, by my recent activity: one Query, one BatchGetItem."""
        ctx.require(Permission.PROJECT_READ)
        with self._uow() as uow:
            mine = uow.project_members.list_for_user(ctx.org_id, ctx.principal.user_id, page)
            wanted = [m.resource_id for m in mine.items]
            by_id = {p.id: p for p in uow.projects.get_many(ctx.org_id, wanted)}
        pairs = [(by_id[m.resource_id], m) for m in mine.items if m.resource_id in by_id]
        return Page(pairs, mine.next_cursor)

    def update(
        self,
        *,
        ctx: TenantContext,
        project_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        status: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Project:
        def change(p: Project, now: datetime) -> Project:
            if status is not None and p.status == "archived":
                raise Conflict("the project is archived; restore it first")
            return replace(
                p,
                name=check_name(name) if name is not None else p.name,
                description=check_description(description)
                if description is not None
                else p.description,
                tags=check_tags(tags) if tags is not None else p.tags,
                status=check_project_status(status) if status is not None else p.status,
                settings=check_settings(settings) if settings is not None else p.settings,
            )

        return self._change(ctx, project_id, expected_version, change, "update", "Updated")

    def archive(
        self, *, ctx: TenantContext, project_id: str, expected_version: int | None = None
    ) -> Project:
        def change(p: Project, now: datetime) -> Project:
            if p.status == "archived":
                raise Conflict("the project is archived already")
            return p.archived(now)

        return self._change(ctx, project_id, expected_version, change, "archive", "Archived")

    def restore(
        self, *, ctx: TenantContext, project_id: str, expected_version: int | None = None
    ) -> Project:
        def change(p: Project, now: datetime) -> Project:
            if p.status != "archived":
                raise Conflict("the project is not archived")
            return p.restored(now)

        return self._change(ctx, project_id, expected_version, change, "restore", "Restored")

    def _change(
        self,
        ctx: TenantContext,
        project_id: str,
        expected_version: int | None,
        change: Change,
        verb: str,
        past: str,
    ) -> Project:
        ctx.require(Permission.PROJECT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            project = load_project(ctx, uow, project_id)
            grant = project_grant(ctx, uow, project)
            require_project_visible(grant)
            grant.require("editor", f"{verb} of a project")
            check_version(expected_version, project.version, "project")
            changed = replace(change(project, now), updated_at=now)
            uow.projects.save(changed)
            uow.workspaces.touch(ctx.org_id, project.workspace_id, now)
            record_change(
                uow,
                ctx,
                action=f"project.{verb}",
                event=f"Project{past}",
                resource=("project", project.id),
                at=now,
                workspace_id=project.workspace_id,
            )
            uow.commit()
            self._touch(uow, grant)
        return replace(changed, version=project.version + 1)

    def move(
        self,
        *,
        ctx: TenantContext,
        project_id: str,
        workspace_id: str,
        expected_version: int | None = None,
    ) -> Project:
        """Admin of the project and editor of the target workspace. Project memberships are
        keyed by project, so they follow it; both workspaces' counts move in one transaction."""
        ctx.require(Permission.PROJECT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            project = load_project(ctx, uow, project_id)
            grant = project_grant(ctx, uow, project)
            require_project_visible(grant)
            grant.require("admin", "moving a project")
            check_version(expected_version, project.version, "project")
            if workspace_id == project.workspace_id:
                raise Conflict("the project is in that workspace already")
            source = load_workspace(ctx, uow, project.workspace_id)
            target = load_workspace(ctx, uow, workspace_id)
            workspace_grant(ctx, uow, target).require("editor", "moving a project in")
            if target.status != "active":
                raise Conflict("the target workspace is archived; restore it first")
            moved = replace(project, workspace_id=target.id, updated_at=now)
            uow.projects.save(moved)
            # the organisation's total stays: only the two workspaces' counts move
            uow.workspaces.count_projects(ctx.org_id, source.id, -1, at=now, org_total=False)
            uow.workspaces.count_projects(ctx.org_id, target.id, +1, at=now, org_total=False)
            record_change(
                uow,
                ctx,
                action="project.move",
                event="ProjectMoved",
                resource=("project", project.id),
                at=now,
                from_workspace_id=source.id,
                to_workspace_id=target.id,
            )
            uow.commit()
        return replace(moved, version=project.version + 1)

    def delete(
        self, *, ctx: TenantContext, project_id: str, expected_version: int | None = None
    ) -> None:
        ctx.require(Permission.PROJECT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            project = load_project(ctx, uow, project_id)
            grant = project_grant(ctx, uow, project)
            require_project_visible(grant)
            grant.require("admin", "deleting a project")
            check_version(expected_version, project.version, "project")
            uow.projects.remove(project)
            uow.workspaces.count_projects(ctx.org_id, project.workspace_id, -1, at=now)
            record_change(
                uow,
                ctx,
                action="project.delete",
                event="ProjectDeleted",
                resource=("project", project.id),
                at=now,
                workspace_id=project.workspace_id,
                name=project.name,
            )
            uow.commit()
            uow.project_members.purge(ctx.org_id, project.id)
