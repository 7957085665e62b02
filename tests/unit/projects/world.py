"""The projects services over the in-memory fakes, and the people who call them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from domains.projects.model import Member, Project, Workspace
from domains.projects.selectors import DashboardSelector
from domains.projects.services.members import PROJECT, WORKSPACE, MemberService
from domains.projects.services.projects import ProjectService
from domains.projects.services.workspaces import WorkspaceService
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import API_KEY_ROLE, Principal, TenantContext
from tests.fakes.projects import (
    InMemoryDashboardReader,
    InMemoryOrgDirectory,
    InMemoryProjectsUnitOfWork,
    ProjectsStore,
)

ORG = new_id()
OTHER_ORG = new_id()
ORG_ROLES = ("owner", "admin", "member", "viewer")


@dataclass
class World:
    store: ProjectsStore = field(default_factory=ProjectsStore)
    clock: FixedClock = field(default_factory=FixedClock)
    directory: InMemoryOrgDirectory = field(default_factory=InMemoryOrgDirectory)

    def __post_init__(self) -> None:
        def uow() -> InMemoryProjectsUnitOfWork:
            return InMemoryProjectsUnitOfWork(self.store)

        self.workspaces = WorkspaceService(uow=uow, clock=self.clock)
        self.projects = ProjectService(uow=uow, clock=self.clock)
        self.ws_members = MemberService(
            uow=uow, clock=self.clock, directory=self.directory, scope=WORKSPACE
        )
        self.pr_members = MemberService(
            uow=uow, clock=self.clock, directory=self.directory, scope=PROJECT
        )
        self.dashboard = DashboardSelector(reader=InMemoryDashboardReader(self.store))

    def person(self, org_role: str, user_id: str | None = None, org: str = ORG) -> TenantContext:
        """Someone of the organisation with `org_role`, as the tenancy resolver builds them."""
        user = user_id or f"{org_role}-{new_id()}"
        self.directory.join(org, user)
        return TenantContext(org, Principal(user), org_role, permissions_for(org_role), "req-1")

    def api_key(self, of: TenantContext, permissions: Iterable[str]) -> TenantContext:
        """An API key of `of`'s user, whose tenant holds the key's own permissions."""
        principal = Principal(of.principal.user_id, api_key_id=new_id())
        return TenantContext(of.org_id, principal, API_KEY_ROLE, frozenset(permissions), "req-2")

    def workspace(self, ctx: TenantContext, name: str = "Research") -> Workspace:
        return self.workspaces.create(ctx=ctx, name=name)

    def project(
        self, ctx: TenantContext, ws: Workspace, name: str = "Churn", **kw: object
    ) -> Project:
        return self.projects.create(ctx=ctx, workspace_id=ws.id, name=name, **kw)  # type: ignore[arg-type]

    def join_ws(self, by: TenantContext, ws: Workspace, who: TenantContext, role: str) -> Member:
        return self.ws_members.add(
            ctx=by, resource_id=ws.id, user_id=who.principal.user_id, role=role
        )

    def join_project(self, by: TenantContext, p: Project, who: TenantContext, role: str) -> Member:
        return self.pr_members.add(
            ctx=by, resource_id=p.id, user_id=who.principal.user_id, role=role
        )

    def stored_ws(self, ws: Workspace) -> Workspace:
        return self.store.workspaces[(ws.org_id, ws.id)]

    def stored_project(self, p: Project) -> Project:
        return self.store.projects[(p.org_id, p.id)]

    def events(self) -> list[str]:
        return [e.name for e in self.store.events]

    def actions(self) -> list[str]:
        return [e.action for e in self.store.audit]

    def count(self, *key: str) -> int:
        return self.store.counts.get(key, 0)
