"""What staff use cases of every context share: the staff check, and the tenant context in
which staff act on one organisation's data through the context's own services (so a staff
change is validated, audited and published exactly like the API's)."""

from __future__ import annotations

from collections.abc import Iterable

from domains.shared.errors import Forbidden, NotFound
from domains.shared.ids import is_valid_id
from domains.shared.tenancy import STAFF_ROLE, Principal, TenantContext


def require_staff(principal: Principal) -> None:
    """Staff users only, signed in themselves (an API key never acts as staff)."""
    if not principal.is_staff or principal.api_key_id is not None:
        raise Forbidden("staff only")


def staff_context(
    principal: Principal, org_id: str, *, permissions: Iterable[str], request_id: str = ""
) -> TenantContext:
    """The organisation `org_id` as staff act in it, with `permissions` (what the context's
    services need for staff changes). NotFound for a malformed organisation id."""
    require_staff(principal)
    if not is_valid_id(org_id):
        raise NotFound("organisation not found")
    return TenantContext(
        org_id, principal, STAFF_ROLE, frozenset(permissions), request_id=request_id
    )
