"""What staff do to workspaces and projects across organisations (the Django admin calls
these): browse, change, archive and restore, delete.

Every use case requires a staff principal. Changes go through the API's own services in a
staff tenant context (organisation-admin rights in the item's organisation), so they are
validated, version-checked, audited and published (`WorkspaceUpdated`, ...) exactly as the
API's are; the audit entry names the staff user as the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domains.projects.model import PROJECT_STATUSES, WORKSPACE_STATUSES, Project, Workspace
from domains.projects.ports import ProjectsStaffBrowser, UnitOfWorkFactory
from domains.projects.services.projects import ProjectService, load_project
from domains.projects.services.workspaces import WorkspaceService, load_workspace
from domains.shared.errors import Conflict, NotFound, ValidationFailed
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.staff import require_staff, staff_context
from domains.shared.tenancy import Principal, TenantContext

STAFF_PERMISSIONS = frozenset(
    {
        Permission.WORKSPACE_READ,
        Permission.WORKSPACE_WRITE,
        Permission.WORKSPACE_ADMIN,  # admin of every workspace and project of the organisation
        Permission.PROJECT_READ,
        Permission.PROJECT_WRITE,
        Permission.PROJECT_ADMIN,
    }
)


def staff_tenant(principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
    return staff_context(principal, org_id, permissions=STAFF_PERMISSIONS, request_id=request_id)


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"loc": [field], "msg": message}])


def _check_status(status: str | None, allowed: tuple[str, ...]) -> None:
    if status and status not in allowed:
        raise invalid("status", f"one of {list(allowed)}")


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did: how many items changed, and why the others did not."""

    changed: int
    skipped: tuple[str, ...] = ()


class StaffProjectService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        browser: ProjectsStaffBrowser,
        workspaces: WorkspaceService,
        projects: ProjectService,
    ) -> None:
        self._uow = uow
        self._browser = browser
        self._workspaces = workspaces
        self._projects = projects

    # -- workspaces ----------------------------------------------------------------------------

    def list_workspaces(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        status: str | None = None,
    ) -> Page[Workspace]:
        """An organisation's workspaces of a status by recent activity (its index), of every
        status (a Query of its partition), else every organisation's (a Scan)."""
        require_staff(principal)
        _check_status(status, WORKSPACE_STATUSES)
        if not org_id:
            return self._browser.workspaces(page, status=status)
        ctx = staff_tenant(principal, org_id)
        if status:
            return self._workspaces.list_org(ctx=ctx, page=page, status=status)
        return self._browser.org_workspaces(org_id, page)

    def get_workspace(self, *, principal: Principal, org_id: str, workspace_id: str) -> Workspace:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return load_workspace(ctx, uow, workspace_id)

    def update_workspace(
        self,
        *,
        principal: Principal,
        org_id: str,
        workspace_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        request_id: str = "",
    ) -> Workspace:
        return self._workspaces.update(
            ctx=staff_tenant(principal, org_id, request_id),
            workspace_id=workspace_id,
            expected_version=expected_version,
            name=name,
            description=description,
        )

    def delete_workspace(
        self,
        *,
        principal: Principal,
        org_id: str,
        workspace_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """Only an empty workspace goes (Conflict otherwise), with its memberships."""
        self._workspaces.delete(
            ctx=staff_tenant(principal, org_id, request_id),
            workspace_id=workspace_id,
            expected_version=expected_version,
        )

    # -- projects ------------------------------------------------------------------------------

    def list_projects(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        workspace_id: str | None = None,
        status: str | None = None,
    ) -> Page[Project]:
        """A workspace's projects by last update (its indexes; every status but archived
        unless `status` names one), an organisation's (a Query of its partition), else every
        organisation's (a Scan)."""
        require_staff(principal)
        _check_status(status, PROJECT_STATUSES)
        if workspace_id and not org_id:
            raise invalid("workspace", "choose the workspace's organisation as well")
        if not org_id:
            return self._browser.projects(page, status=status)
        ctx = staff_tenant(principal, org_id)
        if workspace_id:
            return self._projects.list_workspace(
                ctx=ctx, workspace_id=workspace_id, page=page, status=status
            )
        return self._browser.org_projects(org_id, page, status=status)

    def get_project(self, *, principal: Principal, org_id: str, project_id: str) -> Project:
        ctx = staff_tenant(principal, org_id)
        with self._uow() as uow:
            return load_project(ctx, uow, project_id)

    def update_project(
        self,
        *,
        principal: Principal,
        org_id: str,
        project_id: str,
        expected_version: int | None,
        name: str,
        description: str,
        tags: Iterable[str],
        request_id: str = "",
    ) -> Project:
        return self._projects.update(
            ctx=staff_tenant(principal, org_id, request_id),
            project_id=project_id,
            expected_version=expected_version,
            name=name,
            description=description,
            tags=tags,
        )

    def delete_project(
        self,
        *,
        principal: Principal,
        org_id: str,
        project_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """The project and its memberships; the workspace's project count goes down."""
        self._projects.delete(
            ctx=staff_tenant(principal, org_id, request_id),
            project_id=project_id,
            expected_version=expected_version,
        )

    # -- archive and restore, one or many ------------------------------------------------------

    def set_archived(
        self,
        *,
        principal: Principal,
        kind: str,
        keys: Iterable[tuple[str, str]],
        archived: bool,
        request_id: str = "",
    ) -> Outcome:
        """Archive (or restore) each (organisation id, workspace or project id), one
        transaction each; items already so, or gone, are skipped and said why."""
        require_staff(principal)
        change = self._status_change(kind, archived)
        changed, skipped = 0, []
        for org_id, resource_id in keys:
            try:
                change(staff_tenant(principal, org_id, request_id), resource_id)
            except (Conflict, NotFound) as e:
                skipped.append(f"{resource_id}: {e.detail}")
            else:
                changed += 1
        return Outcome(changed, tuple(skipped))

    def _status_change(self, kind: str, archived: bool) -> Callable[[TenantContext, str], object]:
        if kind == "workspace":
            ws = self._workspaces.archive if archived else self._workspaces.restore
            return lambda ctx, key: ws(ctx=ctx, workspace_id=key)
        if kind == "project":
            project = self._projects.archive if archived else self._projects.restore
            return lambda ctx, key: project(ctx=ctx, project_id=key)
        raise ValueError(f"unknown kind {kind!r}")
