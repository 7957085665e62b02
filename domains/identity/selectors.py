"""Identity reads that are not a repository's: the organisation's audit log."""

from __future__ import annotations

from datetime import datetime

from domains.identity.ports import AuditFilter, AuditLogReader
from domains.shared.audit import AuditEntry
from domains.shared.errors import ValidationFailed
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


class AuditLogSelector:
    """Org admins (`audit:read`) read their organisation's audit log; reading writes nothing."""

    def __init__(self, *, reader: AuditLogReader) -> None:
        self._reader = reader

    def list(
        self,
        *,
        ctx: TenantContext,
        page: PageRequest,
        actor_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[AuditEntry]:
        ctx.require(Permission.AUDIT_READ)
        if since is not None and until is not None and since > until:
            raise ValidationFailed(
                "`from` is after `to`", errors=[{"loc": ["query", "from"], "msg": "after `to`"}]
            )
        wanted = AuditFilter(actor_id or None, action or None, since, until)
        return self._reader.list(ctx.org_id, wanted, page)
