"""Who may do what to a workspace or a project: effective roles from three sources.

- An organisation owner or admin (`workspace:admin`) is admin of every workspace and
  project of the organisation.
- A workspace admin is admin of every project in it; the workspace's editors and viewers
  may view its projects.
- A project member has their project role.

Every workspace of the organisation is visible to its members (`workspace:read`): it is
navigation. A project is visible to those with a role on it. An API key acts for its
creator and never beyond its own permissions: both the permission and the role must hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from domains.projects.model import Member, Project, Workspace, highest, role_rank
from domains.projects.ports import ProjectsUnitOfWork
from domains.shared.errors import Forbidden
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


@dataclass(frozen=True)
class Grant:
    """The effective role, and the caller's own membership (None: they have none)."""

    role: str | None
    member: Member | None

    def require(self, role: str, doing: str) -> None:
        if role_rank(self.role) < role_rank(role):
            raise Forbidden(f"{doing} needs the {role} role here", role=role)


def _org_admin(ctx: TenantContext) -> str | None:
    return "admin" if ctx.can(Permission.WORKSPACE_ADMIN) else None


def workspace_grant(ctx: TenantContext, uow: ProjectsUnitOfWork, workspace: Workspace) -> Grant:
    """One GetItem (my workspace membership)."""
    member = uow.workspace_members.get(ctx.org_id, workspace.id, ctx.principal.user_id)
    return Grant(highest(_org_admin(ctx), member.role if member else None), member)


def project_grant(ctx: TenantContext, uow: ProjectsUnitOfWork, project: Project) -> Grant:
    """Two GetItems at most (my project, then my workspace membership)."""
    user = ctx.principal.user_id
    member = uow.project_members.get(ctx.org_id, project.id, user)
    role = highest(_org_admin(ctx), member.role if member else None)
    if role != "admin":
        ws = uow.workspace_members.get(ctx.org_id, project.workspace_id, user)
        if ws is not None:
            role = highest(role, "admin" if ws.role == "admin" else "viewer")
    return Grant(role, member)


def require_project_visible(grant: Grant) -> None:
    grant.require("viewer", "seeing this project")
