"""The tenant resolver every context's API uses: membership read once, role to permissions.

An API key's principal carries its grant (read with the key when it was authenticated): it
resolves to the key's organisation only, with the key's permissions, and no read at all.
"""

from __future__ import annotations

from domains.identity.ports import UnitOfWorkFactory
from domains.shared.errors import NotFound
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import API_KEY_ROLE, Principal, TenantContext

# Not a member looks exactly like no such organisation: ids cannot be probed.
NOT_FOUND = "organisation not found"


class MembershipTenantResolver:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def resolve(self, principal: Principal, org_id: str, request_id: str = "") -> TenantContext:
        if principal.api_key_id is not None:
            return _key_tenant(principal, org_id, request_id)
        with self._uow() as uow:
            membership = uow.memberships.get(org_id, principal.user_id)
        if membership is None:
            raise NotFound(NOT_FOUND)
        return TenantContext(
            org_id, principal, membership.role, permissions_for(membership.role), request_id
        )


def _key_tenant(principal: Principal, org_id: str, request_id: str) -> TenantContext:
    """A key acts in its own organisation only; a key principal without a grant acts nowhere."""
    grant = principal.key_grant
    if grant is None or grant.org_id != org_id:
        raise NotFound(NOT_FOUND)
    return TenantContext(org_id, principal, API_KEY_ROLE, grant.permissions, request_id)
