"""Who is acting, and for which organisation: passed explicitly to every service call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from domains.shared.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    user_id: str
    is_staff: bool = False
    api_key_id: str | None = None
    session_id: str | None = None


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
