"""The tenant resolver every context's API uses: membership read once, role to permissions."""

from __future__ import annotations

from domains.identity.ports import UnitOfWorkFactory
from domains.shared.errors import NotFound
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext


class MembershipTenantResolver:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def resolve(self, principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
        with self._uow() as uow:
            membership = uow.memberships.get(org_id, principal.user_id)
        if membership is None:
            # Not a member looks exactly like no such organisation: ids cannot be probed.
            raise NotFound("organisation not found")
        return TenantContext(
            org_id, principal, membership.role, permissions_for(membership.role), request_id
        )
