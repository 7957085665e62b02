"""Reads that span the context: the dashboard and the navigation selectors."""

from __future__ import annotations

from domains.projects.model import Dashboard
from domains.projects.ports import DashboardReader
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext

DASHBOARD_ITEMS = 10


class DashboardSelector:
    def __init__(self, *, reader: DashboardReader) -> None:
        self._reader = reader

    def dashboard(self, *, ctx: TenantContext, limit: int = DASHBOARD_ITEMS) -> Dashboard:
        """My recent and pinned workspaces and projects with the counts: a fixed number of
        DynamoDB calls whatever the number of projects (see DynamoDashboardReader)."""
        ctx.require(Permission.PROJECT_READ)
        return self._reader.load(ctx.org_id, ctx.principal.user_id, limit=limit)
