"""The agents context's view of projects: my role on one, through the projects context's own
service (so its rules on who sees a project hold here too)."""

from __future__ import annotations

from domains.projects.services.projects import ProjectService
from domains.shared.errors import Forbidden, NotFound
from domains.shared.tenancy import TenantContext


class ProjectServiceAccess:
    def __init__(self, projects: ProjectService) -> None:
        self._projects = projects

    def role(self, ctx: TenantContext, project_id: str) -> str | None:
        try:
            _, role = self._projects.get(ctx=ctx, project_id=project_id)
        except (NotFound, Forbidden):
            return None
        return role
