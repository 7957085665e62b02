"""Login throttling with fixed-window counters in `user-sessions` (ADD, expired by TTL)."""

from __future__ import annotations

import hashlib
from typing import Any

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.identity.keys import throttle_key
from domains.shared.clock import Clock
from domains.shared.errors import Throttled

TABLE = "user-sessions"


class DynamoLoginThrottle:
    """At most `limit` failures per scope (an account, an address) in `window` seconds."""

    def __init__(self, client: DynamoClient, *, clock: Clock, limit: int, window: int) -> None:
        self._client = client
        self._clock = clock
        self._limit = limit
        self._window = window

    def _key(self, scope: str) -> tuple[dict[str, Any], int]:
        now = int(self._clock.now().timestamp())
        start = now - now % self._window
        digest = hashlib.sha256(scope.encode()).hexdigest()
        key = throttle_key(digest, start)
        return {k: {"S": v} for k, v in key.items()}, start + self._window

    def check(self, scopes: list[str]) -> None:
        keys = [self._key(scope)[0] for scope in scopes]
        found = self._client.batch_get_item(RequestItems={TABLE: {"Keys": keys}})
        for item in found.get("Responses", {}).get(TABLE, []):
            if int(item.get("failures", {}).get("N", "0")) >= self._limit:
                raise Throttled(
                    "too many failed sign-ins; try again later", retry_after=self._window
                )

    def failed(self, scopes: list[str]) -> None:
        for scope in scopes:
            key, window_end = self._key(scope)
            self._client.update_item(
                TABLE,
                Key=key,
                UpdateExpression="ADD failures :one SET expires_at = :end",
                ExpressionAttributeValues={":one": {"N": "1"}, ":end": {"N": str(window_end)}},
            )
