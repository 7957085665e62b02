"""Idempotency records in `system-logs`: `IDEMPOTENCY#<scope digest>` / `KEY#<key>`.

A claim is one conditional PutItem (the key is free, expired, or its running holder's lease
ran out); only a refused claim costs a second, strongly consistent read. Records live
`ttl` (24 hours) through the table's TTL attribute, and reads treat an expired record as
absent, because the local endpoint never deletes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item, encode_value
from domains.shared.clock import Clock
from domains.shared.errors import PreconditionFailed
from domains.shared.idempotency import StoredAnswer, reused_with_other_body, still_running

TABLE = "system-logs"
CLAIM_CONDITION = (
    "attribute_not_exists(pk) OR expires_at < :now"
    " OR (#state = :running AND lease_until < :now AND fingerprint = :fp)"
)


def idempotency_key(scope: str, key: str) -> dict[str, str]:
    """Scopes (principal, method, path) are hashed: bounded, and no user id in the key."""
    digest = hashlib.sha256(scope.encode()).hexdigest()[:32]
    return {"pk": f"IDEMPOTENCY#{digest}", "sk": f"KEY#{key}"}


class DynamoIdempotencyStore:
    def __init__(
        self,
        client: DynamoClient,
        *,
        clock: Clock,
        ttl: timedelta = timedelta(hours=24),
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self._client = client
        self._clock = clock
        self._ttl = ttl
        self._lease = lease

    def claim(self, scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
        for _ in range(2):  # a record expiring between the put and the read: claim again
            now = int(self._clock.now().timestamp())
            item = {
                **idempotency_key(scope, key),
                "state": "running",
                "fingerprint": fingerprint,
                "lease_until": now + int(self._lease.total_seconds()),
                "expires_at": now + int(self._ttl.total_seconds()),
            }
            try:
                self._client.put_item(
                    TABLE,
                    Item=encode_item(item),
                    ConditionExpression=CLAIM_CONDITION,
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues={
                        ":now": encode_value(now),
                        ":running": encode_value("running"),
                        ":fp": encode_value(fingerprint),
                    },
                )
                return None
            except PreconditionFailed:
                held = self._read(scope, key, now)
            if held is None:
                continue
            if held["fingerprint"] != fingerprint:
                raise reused_with_other_body()
            if held["state"] == "running":
                raise still_running()
            return StoredAnswer(
                status=int(held["status"]),
                body=held.get("body"),
                headers=dict(held.get("headers", {})),
                resource_id=held.get("resource_id"),
            )
        raise still_running()

    def complete(self, scope: str, key: str, answer: StoredAnswer) -> None:
        values: dict[str, Any] = {
            ":done": "done",
            ":status": answer.status,
            ":headers": answer.headers,
        }
        sets = ["#state = :done", "#status = :status", "headers = :headers"]
        if answer.body is not None:
            values[":body"] = answer.body
            sets.append("body = :body")
        if answer.resource_id is not None:
            values[":rid"] = answer.resource_id
            sets.append("resource_id = :rid")
        self._client.update_item(
            TABLE,
            Key=encode_item(idempotency_key(scope, key)),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames={"#state": "state", "#status": "status"},
            ExpressionAttributeValues={k: encode_value(v, k[1:]) for k, v in values.items()},
        )

    def release(self, scope: str, key: str) -> None:
        self._client.delete_item(TABLE, Key=encode_item(idempotency_key(scope, key)))

    def _read(self, scope: str, key: str, now: int) -> dict[str, Any] | None:
        response = self._client.get_item(
            TABLE, Key=encode_item(idempotency_key(scope, key)), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        item = decode_item(response["Item"])
        return item if int(item.get("expires_at", 0)) >= now else None
