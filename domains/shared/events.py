"""Domain events: what a context says happened, published through its unit of work.

A unit of work writes each published event durably in the same transaction as the change
that caused it (an outbox), so an event exists exactly when its change does; a relay hands
the outbox to the workers. Consumers are idempotent by the event's `id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from domains.shared.audit import AuditEntry, actor_of, tenant_audit
from domains.shared.clock import isoformat, parse_iso
from domains.shared.ids import new_id
from domains.shared.tenancy import TenantContext


@dataclass(frozen=True)
class DomainEvent:
    """`name` is past tense (`ProjectCreated`); `resource` is (type, id) like an audit entry."""

    name: str
    org_id: str | None
    actor_id: str
    resource_type: str
    resource_id: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)


def tenant_event(
    ctx: TenantContext, name: str, /, *, resource: tuple[str, str], at: datetime, **data: Any
) -> DomainEvent:
    """The event of a change made in `ctx`: its organisation and acting principal."""
    actor = actor_of(ctx.principal)
    return DomainEvent(name, ctx.org_id, actor, resource[0], resource[1], at, data)


class EventSink(Protocol):
    """A unit of work that writes audit entries and publishes events with its change."""

    def audit(self, entry: AuditEntry) -> None: ...

    def publish(self, event: DomainEvent) -> None: ...


def record_change(
    uow: EventSink,
    ctx: TenantContext,
    *,
    action: str,
    event: str,
    resource: tuple[str, str],
    at: datetime,
    **details: Any,
) -> None:
    """The audit entry and the domain event of one change, staged in its transaction."""
    uow.audit(tenant_audit(ctx, action=action, resource=resource, at=at, **details))
    uow.publish(tenant_event(ctx, event, resource=resource, at=at, **details))


def event_payload(event: DomainEvent) -> dict[str, Any]:
    """The event as JSON (for a task's arguments): times as ISO 8601 UTC."""
    return {
        "id": event.id,
        "name": event.name,
        "org_id": event.org_id,
        "actor_id": event.actor_id,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "at": isoformat(event.at),
        "data": event.data,
    }


def event_from_payload(payload: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        name=payload["name"],
        org_id=payload.get("org_id"),
        actor_id=payload["actor_id"],
        resource_type=payload["resource_type"],
        resource_id=payload["resource_id"],
        at=parse_iso(payload["at"]),
        data=dict(payload.get("data") or {}),
        id=payload["id"],
    )
