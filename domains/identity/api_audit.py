"""The audit log router: `GET /organizations/{org_id}/audit`, read-only (writes no entry)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from domains.identity import schemas as s
from domains.shared.api import PageOut, PageParams, page_out
from domains.shared.audit import AuditEntry
from domains.shared.web import service, tenant_of

router = Router(tags=["audit"])


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "request_id": entry.request_id,
        "at": entry.at,
        "details": entry.details,
    }


@router.get("/{org_id}/audit", response=PageOut[s.AuditEntryOut])
def audit_list(
    request: HttpRequest, org_id: str, params: Query[PageParams], filters: Query[s.AuditQuery]
) -> Any:
    """The organisation's audit log, newest first (`audit:read`); `from` and `to` are ISO 8601
    and inclusive; `actor` and `action` filter by who and what."""
    page = (
        service("identity")
        .audit_log()
        .list(
            ctx=tenant_of(request, org_id),
            page=params.request(),
            actor_id=filters.actor,
            action=filters.action,
            since=filters.since,
            until=filters.until,
        )
    )
    return page_out(page, _entry)
