"""The audit entry every mutating service writes, in the same transaction as its change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domains.shared.ids import new_id
from domains.shared.tenancy import STAFF_ROLE, Principal, TenantContext


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to which resource, in which organisation (None: platform-level)."""

    org_id: str | None
    actor_id: str
    action: str
    resource_type: str
    resource_id: str
    at: datetime
    request_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)


def actor_of(principal: Principal | None) -> str:
    """How audit entries and events name who acted; API keys act as `apikey:<id>`."""
    if principal is None:
        return "anonymous"
    if principal.api_key_id:
        return f"apikey:{principal.api_key_id}"
    return principal.user_id


def audit(
    *,
    org_id: str | None,
    principal: Principal | None,
    action: str,
    resource: tuple[str, str],
    at: datetime,
    request_id: str = "",
    **details: Any,
) -> AuditEntry:
    """The one audit-entry builder: `resource` is (type, id)."""
    actor = actor_of(principal)
    return AuditEntry(org_id, actor, action, resource[0], resource[1], at, request_id, details)


def tenant_audit(
    ctx: TenantContext,
    *,
    action: str,
    resource: tuple[str, str],
    at: datetime,
    **details: Any,
) -> AuditEntry:
    """The entry of a change made in `ctx`: its organisation, principal and request id;
    a change staff made in the admin (a staff context) says so (`by_staff`)."""
    if ctx.role == STAFF_ROLE:
        details = {**details, "by_staff": True}
    return audit(
        org_id=ctx.org_id,
        principal=ctx.principal,
        action=action,
        resource=resource,
        at=at,
        request_id=ctx.request_id,
        **details,
    )
