"""The lab's view of projects: my role on one (viewer < editor < admin), through a port the
composition root serves with the projects context's own service, so its rules on who sees a
project hold here too. Shared by the registry and the tracking subpackages."""

from __future__ import annotations

from typing import Protocol

from domains.shared.errors import Forbidden, NotFound
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import TenantContext

PROJECT_ROLES = ("viewer", "editor", "admin")  # in rising order


class ProjectAccess(Protocol):
    def role(self, ctx: TenantContext, project_id: str) -> str | None:
        """My role on the project; None when it is absent or I cannot see it."""


def role_rank(role: str | None) -> int:
    """0 for no role, then viewer < editor < admin."""
    return PROJECT_ROLES.index(role) + 1 if role in PROJECT_ROLES else 0


def require_role(projects: ProjectAccess, ctx: TenantContext, project_id: str, role: str) -> str:
    """My role on the project, if at least `role`: NotFound when it is not visible,
    Forbidden when it is too low."""
    mine = projects.role(ctx, project_id) if is_valid_id(project_id) else None
    if mine is None:
        raise NotFound("project not found")
    if role_rank(mine) < role_rank(role):
        raise Forbidden(f"this needs the {role} role on the project", role=role)
    return mine
