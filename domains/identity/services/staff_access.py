"""What the identity context's staff use cases share: the staff check (the kernel's), whole-table
browsing, and the platform-level audit entry of a staff change."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domains.identity.model import ApiKey, Content, Membership, Organization, Session, User
from domains.shared.audit import AuditEntry, audit
from domains.shared.pagination import Page, PageRequest
from domains.shared.staff import require_staff
from domains.shared.tenancy import Principal

__all__ = ["StaffBrowser", "require_staff", "staff_entry"]


class StaffBrowser(Protocol):
    """Whole-table browsing for staff: paginated Scans (never serving an API request), except
    `staff`, which queries the sparse staff index."""

    def users(self, page: PageRequest, *, active: bool | None = None) -> Page[User]: ...

    def staff(self, page: PageRequest) -> Page[User]: ...

    def organizations(self, page: PageRequest) -> Page[Organization]: ...

    def memberships(self, page: PageRequest) -> Page[Membership]: ...

    def sessions(self, page: PageRequest) -> Page[Session]: ...

    def api_keys(self, page: PageRequest) -> Page[ApiKey]: ...

    def content(self, page: PageRequest) -> Page[Content]: ...


def staff_entry(
    principal: Principal | None,
    action: str,
    resource_id: str,
    *,
    at: datetime,
    request_id: str = "",
    **details: object,
) -> AuditEntry:
    """A platform-level entry; the resource type is the action's middle word
    (`staff.session.revoke`: a session), a user when it has none (`staff.sign_in`)."""
    kind = action.split(".")[-2] if action.count(".") > 1 else "user"
    return audit(
        org_id=None,
        principal=principal,
        action=action,
        resource=(kind, resource_id),
        at=at,
        request_id=request_id,
        **details,
    )
