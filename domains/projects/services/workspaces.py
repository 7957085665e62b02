"""Workspaces: create, read, update, archive and restore, delete when empty, list, pin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from domains.projects.model import (
    WORKSPACE_STATUSES,
    Member,
    Workspace,
    check_description,
    check_name,
)
from domains.projects.ports import ProjectsUnitOfWork, UnitOfWorkFactory
from domains.projects.services.access import workspace_grant
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, ValidationFailed
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

Change = Callable[[Workspace, datetime], Workspace]


def load_workspace(ctx: TenantContext, uow: ProjectsUnitOfWork, workspace_id: str) -> Workspace:
    """404 for an id that is malformed, absent, or another organisation's."""
    wanted = uow.workspaces.get(ctx.org_id, workspace_id) if is_valid_id(workspace_id) else None
    return found(wanted, "workspace")


class WorkspaceService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, *, ctx: TenantContext, name: str, description: str = "") -> Workspace:
        """The creator becomes the workspace's admin, in the same transaction."""
        ctx.require(Permission.WORKSPACE_WRITE)
        now = self._clock.now()
        ws = Workspace(
            ctx.org_id,
            new_id(),
            check_name(name),
            ctx.principal.user_id,
            now,
            now,
            now,
            check_description(description),
            member_count=1,
        )
        owner = Member(ctx.org_id, "workspace", ws.id, ctx.principal.user_id, "admin", now, now)
        with self._uow() as uow:
            uow.workspaces.add(ws)
            uow.workspace_members.add(owner, count=False)
            record_change(
                uow,
                ctx,
                action="workspace.create",
                event="WorkspaceCreated",
                resource=("workspace", ws.id),
                at=now,
                name=ws.name,
            )
            uow.commit()
        return replace(ws, version=1)

    def get(self, *, ctx: TenantContext, workspace_id: str) -> tuple[Workspace, str | None]:
        """The workspace and my effective role in it (None: I may only see it)."""
        ctx.require(Permission.WORKSPACE_READ)
        with self._uow() as uow:
            ws = load_workspace(ctx, uow, workspace_id)
            grant = workspace_grant(ctx, uow, ws)
            if grant.member is not None and grant.member.activity_due(self._clock.now()):
                uow.workspace_members.touch(grant.member, self._clock.now())
        return ws, grant.role

    def list_org(
        self, *, ctx: TenantContext, page: PageRequest, status: str = "active"
    ) -> Page[Workspace]:
        ctx.require(Permission.WORKSPACE_READ)
        if status not in WORKSPACE_STATUSES:
            raise ValidationFailed(
                "unknown status",
                errors=[{"loc": ["status"], "msg": f"one of {list(WORKSPACE_STATUSES)}"}],
            )
        with self._uow() as uow:
            return uow.workspaces.list_org(ctx.org_id, status=status, page=page)

    def list_mine(self, *, ctx: TenantContext, page: PageRequest) -> Page[tuple[Workspace, Member]]:
        """My workspaces by my recent activity: one Query and one BatchGetItem."""
        ctx.require(Permission.WORKSPACE_READ)
        with self._uow() as uow:
            mine = uow.workspace_members.list_for_user(ctx.org_id, ctx.principal.user_id, page)
            wanted = [m.resource_id for m in mine.items]
            by_id = {w.id: w for w in uow.workspaces.get_many(ctx.org_id, wanted)}
        pairs = [(by_id[m.resource_id], m) for m in mine.items if m.resource_id in by_id]
        return Page(pairs, mine.next_cursor)

    def update(
        self,
        *,
        ctx: TenantContext,
        workspace_id: str,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
    ) -> Workspace:
        def change(ws: Workspace, now: datetime) -> Workspace:
            return replace(
                ws,
                name=check_name(name) if name is not None else ws.name,
                description=(
                    check_description(description) if description is not None else ws.description
                ),
            )

        return self._change(ctx, workspace_id, expected_version, change, "update", "Updated")

    def archive(
        self, *, ctx: TenantContext, workspace_id: str, expected_version: int | None = None
    ) -> Workspace:
        return self._change(
            ctx, workspace_id, expected_version, _status("archived"), "archive", "Archived"
        )

    def restore(
        self, *, ctx: TenantContext, workspace_id: str, expected_version: int | None = None
    ) -> Workspace:
        return self._change(
            ctx, workspace_id, expected_version, _status("active"), "restore", "Restored"
        )

    def _change(
        self,
        ctx: TenantContext,
        workspace_id: str,
        expected_version: int | None,
        change: Change,
        verb: str,
        past: str,
    ) -> Workspace:
        ctx.require(Permission.WORKSPACE_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            ws = load_workspace(ctx, uow, workspace_id)
            workspace_grant(ctx, uow, ws).require("admin", f"{verb} of a workspace")
            check_version(expected_version, ws.version, "workspace")
            changed = replace(change(ws, now), updated_at=now, last_activity_at=now)
            uow.workspaces.save(changed)
            record_change(
                uow,
                ctx,
                action=f"workspace.{verb}",
                event=f"Workspace{past}",
                resource=("workspace", ws.id),
                at=now,
            )
            uow.commit()
        return replace(changed, version=ws.version + 1)

    def delete(
        self, *, ctx: TenantContext, workspace_id: str, expected_version: int | None = None
    ) -> None:
        """Only an empty workspace goes (the store checks its project count at commit);
        its memberships go with it."""
        ctx.require(Permission.WORKSPACE_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            ws = load_workspace(ctx, uow, workspace_id)
            workspace_grant(ctx, uow, ws).require("admin", "deleting a workspace")
            check_version(expected_version, ws.version, "workspace")
            if ws.project_count:
                raise Conflict(
                    f"the workspace holds {ws.project_count} project(s); move or delete them first"
                )
            uow.workspaces.remove(ws)
            record_change(
                uow,
                ctx,
                action="workspace.delete",
                event="WorkspaceDeleted",
                resource=("workspace", ws.id),
                at=now,
                name=ws.name,
            )
            uow.commit()
            uow.workspace_members.purge(ctx.org_id, ws.id)


def _status(status: str) -> Change:
    def change(ws: Workspace, now: datetime) -> Workspace:
        if ws.status == status:
            raise Conflict(f"the workspace is {status} already")
        return replace(ws, status=status)

    return change
