"""Dead-lettered tasks in `system-logs` (`PLATFORM#DEADLETTER`): a task that failed after its
last retry is kept with its arguments and error, listed oldest first, and removed when it is
re-queued. Kept for the audit retention (TTL), like the audit entries beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item
from domains.shared.clock import Clock, isoformat
from domains.shared.ids import new_id

TABLE = "system-logs"
PARTITION = "PLATFORM#DEADLETTER"


@dataclass(frozen=True)
class DeadLetter:
    task: str
    args: list[Any]
    kwargs: dict[str, Any]
    error: str
    failed_at: datetime
    retries: int = 0
    task_id: str = ""
    queue: str = ""
    id: str = field(default_factory=new_id)


class DynamoDeadLetters:
    def __init__(self, client: DynamoClient, *, clock: Clock, retention_days: int) -> None:
        self._client = client
        self._clock = clock
        self._retention = timedelta(days=retention_days)

    def record(
        self,
        *,
        task: str,
        args: list[Any],
        kwargs: dict[str, Any],
        error: str,
        retries: int,
        task_id: str = "",
        queue: str = "",
    ) -> DeadLetter:
        now = self._clock.now()
        letter = DeadLetter(
            task, list(args), dict(kwargs), error[:2000], now, retries, task_id, queue
        )
        item = {
            "pk": PARTITION,
            "sk": f"{isoformat(now)}#{letter.id}",
            "id": letter.id,
            "task": task,
            # JSON text, not a map: the codec would give floats back as Decimals and strings
            # under keys ending in `_at` as datetimes; a re-queued task must get what it got
            "payload": json.dumps({"args": letter.args, "kwargs": letter.kwargs}),
            "error": letter.error,
            "retries": retries,
            "task_id": task_id,
            "queue": queue,
            "failed_at": now,
            "expires_at": int((now + self._retention).timestamp()),
        }
        self._client.put_item(TABLE, Item=encode_item(item))
        return letter

    def list(self, *, limit: int = 100) -> list[DeadLetter]:
        response = self._client.query(
            TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": PARTITION}},
            ConsistentRead=True,
            Limit=limit,
        )
        return [_letter(decode_item(item)) for item in response.get("Items", [])]

    def remove(self, letter: DeadLetter) -> None:
        key = {"pk": PARTITION, "sk": f"{isoformat(letter.failed_at)}#{letter.id}"}
        self._client.delete_item(TABLE, Key=encode_item(key))


def _letter(item: dict[str, Any]) -> DeadLetter:
    payload = json.loads(item.get("payload") or "{}")
    return DeadLetter(
        task=item["task"],
        args=list(payload.get("args") or []),
        kwargs=dict(payload.get("kwargs") or {}),
        error=item.get("error", ""),
        failed_at=item["failed_at"],
        retries=int(item.get("retries", 0)),
        task_id=item.get("task_id", ""),
        queue=item.get("queue", ""),
        id=item["id"],
    )
