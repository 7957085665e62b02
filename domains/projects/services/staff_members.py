"""What staff do to workspace and project memberships (the Django admin calls these): list
them per workspace or project, or per user, add, change roles, remove.

Like the other staff use cases, changes go through the API's MemberService in a staff
tenant context, so counters, audit entries and events are the API's own.
"""

from __future__ import annotations

from domains.projects.model import Member
from domains.projects.ports import ProjectsStaffBrowser, UnitOfWorkFactory
from domains.projects.services.members import PROJECT, WORKSPACE, MemberService, Scope
from domains.projects.services.staff import invalid, staff_tenant
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.staff import require_staff
from domains.shared.tenancy import Principal

SCOPES = {"workspace": WORKSPACE, "project": PROJECT}


class StaffMemberService:
    """Memberships of one scope ("workspace" or "project")."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        browser: ProjectsStaffBrowser,
        members: MemberService,
        scope: str,
    ) -> None:
        self._uow = uow
        self._browser = browser
        self._members = members
        self._scope: Scope = SCOPES[scope]

    def list(
        self,
        *,
        principal: Principal,
        page: PageRequest,
        org_id: str | None = None,
        resource_id: str | None = None,
        user_id: str | None = None,
    ) -> Page[Member]:
        """A workspace's (project's) members (a Query of its partition), one user's
        memberships in an organisation (their index), else every membership (a Scan)."""
        require_staff(principal)
        scope = self._scope.name
        if not org_id:
            if resource_id or user_id:
                raise invalid("org", "choose the organisation as well")
            return self._browser.members(scope, page)
        ctx = staff_tenant(principal, org_id)
        if resource_id and user_id:
            return Page(
                [self.get(principal=principal, org_id=org_id, **_ids(resource_id, user_id))]
            )
        if resource_id:
            return self._members.list(ctx=ctx, resource_id=resource_id, page=page)
        if user_id:
            with self._uow() as uow:
                return self._scope.repo(uow).list_for_user(org_id, user_id, page)
        raise invalid(scope, f"memberships are listed per {scope} or per user: choose one")

    def get(self, *, principal: Principal, org_id: str, resource_id: str, user_id: str) -> Member:
        staff_tenant(principal, org_id)
        wanted = is_valid_id(resource_id) and is_valid_id(user_id)
        with self._uow() as uow:
            member = self._scope.repo(uow).get(org_id, resource_id, user_id) if wanted else None
        return found(member, "member")

    def add(
        self,
        *,
        principal: Principal,
        org_id: str,
        resource_id: str,
        user_id: str,
        role: str,
        request_id: str = "",
    ) -> Member:
        """The user must be a member of the organisation (NotFound otherwise)."""
        ctx = staff_tenant(principal, org_id, request_id)
        return self._members.add(ctx=ctx, resource_id=resource_id, user_id=user_id, role=role)

    def change_role(
        self,
        *,
        principal: Principal,
        org_id: str,
        resource_id: str,
        user_id: str,
        role: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> Member:
        return self._members.change_role(
            ctx=staff_tenant(principal, org_id, request_id),
            resource_id=resource_id,
            user_id=user_id,
            role=role,
            expected_version=expected_version,
        )

    def remove(
        self,
        *,
        principal: Principal,
        org_id: str,
        resource_id: str,
        user_id: str,
        expected_version: int | None,
        request_id: str = "",
    ) -> None:
        """The membership read at `expected_version` (PreconditionFailed if it changed)."""
        ids = _ids(resource_id, user_id)
        member = self.get(principal=principal, org_id=org_id, **ids)
        check_version(expected_version, member.version, "membership")
        self._members.remove(ctx=staff_tenant(principal, org_id, request_id), **ids)


def _ids(resource_id: str, user_id: str) -> dict[str, str]:
    return {"resource_id": resource_id, "user_id": user_id}
