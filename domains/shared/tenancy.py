"""Who is acting, and for which organisation: passed explicitly to every service call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from domains.shared.errors import Forbidden

API_KEY_ROLE = "apikey"
STAFF_ROLE = "staff"  # staff acting on an organisation in the admin (domains.shared.staff)


@dataclass(frozen=True)
class KeyGrant:
    """What an API key may do: act in one organisation with a fixed set of permissions."""

    org_id: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class Principal:
    """A user, or an API key acting for its creator (`api_key_id` set, `key_grant` read from
    the key when it was authenticated, so resolving its tenant needs no second read)."""

    user_id: str
    is_staff: bool = False
    api_key_id: str | None = None
    session_id: str | None = None
    key_grant: KeyGrant | None = field(default=None, compare=False, repr=False)

    def require_user(self, doing: str) -> None:
        """User-level actions (profile, sessions, my organisations) are not for API keys."""
        if self.api_key_id is not None:
            raise Forbidden(f"API keys cannot {doing}")


@dataclass(frozen=True)
class TenantContext:
    """The organisation a request acts in, with the acting principal's permissions there."""

    org_id: str
    principal: Principal
    role: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    request_id: str = ""

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise Forbidden(f"missing permission {permission}", permission=permission)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


class TenantResolver(Protocol):
    """Resolves who the principal is in an organisation: one membership read, else NotFound."""

    def resolve(self, principal: Principal, org_id: str, request_id: str = "") -> TenantContext: ...
