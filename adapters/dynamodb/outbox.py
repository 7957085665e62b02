"""The outbox in `system-logs`: domain events written in the transaction of their change.

An event is an item under `OUTBOX#<shard>` (ten shards, so a busy organisation does not
make one hot partition), sorted by time then id, which the relay reads oldest first and
deletes once the workers have it. Its TTL is a safety net only: a relay that stays down
for a week loses events, and the dead-letter alarm says so long before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item
from domains.shared.clock import isoformat
from domains.shared.events import DomainEvent

OUTBOX_TABLE = "system-logs"
OUTBOX_SHARDS = 10
OUTBOX_RETENTION = timedelta(days=7)


def outbox_partition(shard: int) -> str:
    return f"OUTBOX#{shard}"


def outbox_key(event: DomainEvent) -> dict[str, str]:
    shard = ord(event.id[-1]) % OUTBOX_SHARDS
    return {"pk": outbox_partition(shard), "sk": f"{isoformat(event.at)}#{event.id}"}


def outbox_item(event: DomainEvent) -> dict[str, Any]:
    return {
        **outbox_key(event),
        "id": event.id,
        "name": event.name,
        "org_id": event.org_id,
        "actor_id": event.actor_id,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "data": event.data or None,
        "occurred_at": event.at,
        "expires_at": int((event.at + OUTBOX_RETENTION).timestamp()),
    }


def event_from(item: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        name=item["name"],
        org_id=item.get("org_id"),
        actor_id=item["actor_id"],
        resource_type=item["resource_type"],
        resource_id=item["resource_id"],
        at=item["occurred_at"],
        data=dict(item.get("data") or {}),
        id=item["id"],
    )


class DynamoOutbox:
    """The relay's side of the outbox: the oldest pending events of a shard (consistent
    reads, so an event just committed is seen) and their removal once handed on."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def pending(self, shard: int, *, limit: int) -> list[DomainEvent]:
        response = self._client.query(
            OUTBOX_TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": outbox_partition(shard)}},
            ConsistentRead=True,
            Limit=limit,
        )
        return [event_from(decode_item(item)) for item in response.get("Items", [])]

    def remove(self, event: DomainEvent) -> None:
        """Idempotent: removing an event another relay removed already is fine."""
        self._client.delete_item(OUTBOX_TABLE, Key=encode_item(outbox_key(event)))
