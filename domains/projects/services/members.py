"""Members of workspaces and projects: add, change role, remove (or leave), list, pin.

One service serves both scopes: the scope names the repository, the loader and the grant.
Adding a user needs them to be a member of the organisation (the directory port); their
membership and both counters are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from domains.projects.model import Member, check_role
from domains.projects.ports import MemberRepository, ProjectsUnitOfWork, UnitOfWorkFactory
from domains.projects.services.access import Grant, project_grant, workspace_grant
from domains.projects.services.projects import load_project
from domains.projects.services.workspaces import load_workspace
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, NotFound
from domains.shared.events import record_change
from domains.shared.guards import check_version, found
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


class OrgDirectory(Protocol):
    """The organisation's members as the identity context keeps them (a published port)."""

    def is_member(self, org_id: str, user_id: str) -> bool: ...


@dataclass(frozen=True)
class Scope:
    name: str  # "workspace" or "project"
    read: str
    write: str

    def repo(self, uow: ProjectsUnitOfWork) -> MemberRepository:
        return uow.workspace_members if self.name == "workspace" else uow.project_members

    def grant(self, ctx: TenantContext, uow: ProjectsUnitOfWork, resource_id: str) -> Grant:
        """404 for a resource that is not there (or is another organisation's)."""
        if self.name == "workspace":
            return workspace_grant(ctx, uow, load_workspace(ctx, uow, resource_id))
        return project_grant(ctx, uow, load_project(ctx, uow, resource_id))


WORKSPACE = Scope("workspace", Permission.WORKSPACE_READ, Permission.WORKSPACE_WRITE)
PROJECT = Scope("project", Permission.PROJECT_READ, Permission.PROJECT_WRITE)


class MemberService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, clock: Clock, directory: OrgDirectory, scope: Scope
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._directory = directory
        self._scope = scope

    def list(self, *, ctx: TenantContext, resource_id: str, page: PageRequest) -> Page[Member]:
        ctx.require(self._scope.read)
        with self._uow() as uow:
            self._scope.grant(ctx, uow, resource_id).require("viewer", "listing members")
            return self._scope.repo(uow).list_members(ctx.org_id, resource_id, page)

    def list_mine(self, *, ctx: TenantContext, page: PageRequest) -> Page[Member]:
        ctx.require(self._scope.read)
        with self._uow() as uow:
            return self._scope.repo(uow).list_for_user(ctx.org_id, ctx.principal.user_id, page)

    def add(self, *, ctx: TenantContext, resource_id: str, user_id: str, role: str) -> Member:
        ctx.require(self._scope.write)
        check_role(role)
        now = self._clock.now()
        member = Member(ctx.org_id, self._scope.name, resource_id, user_id, role, now, now)
        with self._uow() as uow:
            self._scope.grant(ctx, uow, resource_id).require("admin", "adding members")
            if not self._directory.is_member(ctx.org_id, user_id):
                raise NotFound("no such member of the organisation")
            self._scope.repo(uow).add(member)
            self._record(uow, ctx, member, "add", "MemberAdded", role=role)
            uow.commit()
        return replace(member, version=1)

    def change_role(
        self,
        *,
        ctx: TenantContext,
        resource_id: str,
        user_id: str,
        role: str,
        expected_version: int | None = None,
    ) -> Member:
        ctx.require(self._scope.write)
        check_role(role)
        with self._uow() as uow:
            self._scope.grant(ctx, uow, resource_id).require("admin", "changing roles")
            member = self._member(uow, ctx, resource_id, user_id)
            check_version(expected_version, member.version, "membership")
            changed = replace(member, role=role)
            self._scope.repo(uow).save(changed)
            self._record(uow, ctx, member, "change_role", "MemberRoleChanged", role=role)
            uow.commit()
        return replace(changed, version=member.version + 1)

    def remove(self, *, ctx: TenantContext, resource_id: str, user_id: str) -> None:
        """Admins remove anyone; a member may leave (not an API key acting for them)."""
        leaving = user_id == ctx.principal.user_id and ctx.principal.api_key_id is None
        ctx.require(self._scope.read if leaving else self._scope.write)
        with self._uow() as uow:
            grant = self._scope.grant(ctx, uow, resource_id)
            if not leaving:
                grant.require("admin", "removing members")
            member = self._member(uow, ctx, resource_id, user_id)
            self._scope.repo(uow).remove(member)
            verb, event = ("leave", "MemberLeft") if leaving else ("remove", "MemberRemoved")
            self._record(uow, ctx, member, verb, event)
            uow.commit()

    def pin(self, *, ctx: TenantContext, resource_id: str, pinned: bool) -> Member:
        """Pin to (or unpin from) my dashboard; pins live on my membership."""
        ctx.require(self._scope.read)
        now = self._clock.now()
        with self._uow() as uow:
            grant = self._scope.grant(ctx, uow, resource_id)
            grant.require("viewer", f"pinning a {self._scope.name}")
            if grant.member is None:
                raise Conflict(f"only members pin a {self._scope.name}; join it first")
            changed = replace(grant.member, pinned_at=now if pinned else None)
            self._scope.repo(uow).save(changed)
            uow.commit()
        return replace(changed, version=grant.member.version + 1)

    def _member(
        self, uow: ProjectsUnitOfWork, ctx: TenantContext, resource_id: str, user_id: str
    ) -> Member:
        return found(self._scope.repo(uow).get(ctx.org_id, resource_id, user_id), "member")

    def _record(
        self,
        uow: ProjectsUnitOfWork,
        ctx: TenantContext,
        member: Member,
        verb: str,
        event: str,
        **details: str,
    ) -> None:
        record_change(
            uow,
            ctx,
            action=f"{self._scope.name}_member.{verb}",
            event=event,
            resource=(f"{self._scope.name}_member", f"{member.resource_id}:{member.user_id}"),
            at=self._clock.now(),
            **{f"{self._scope.name}_id": member.resource_id, "user_id": member.user_id, **details},
        )
