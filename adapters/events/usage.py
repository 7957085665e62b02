"""The usage recorder over Redis: each event is one HINCRBY into a pending hash, which the
flush (adapters.events.usage_flush) moves to DynamoDB in aggregated adds.

The pending hash's fields are `<org>|<counter>|<yyyy-mm-dd>` (neither an organisation id nor a
counter name can hold a `|`). When Redis cannot be reached the event is added to DynamoDB
at once instead (one UpdateItem per event), so the caller still succeeds and no event is
lost; after a failure Redis is left alone for `retry_after` seconds, so an outage costs one
failed connection per interval, not one per event. A command that timed out after it was
sent may have been applied: that rare case counts the event twice rather than lose it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import datetime

import redis

from domains.shared.clock import Clock
from domains.shared.usage import UsageCounts, UsageKey, check_amount

log = logging.getLogger("nexus.usage")
SEPARATOR = "|"


@dataclass(frozen=True)
class UsageBufferKeys:
    """The Redis keys of one namespace. The `{...}` hash tag keeps them in one cluster slot,
    so the flush's scripts may touch them together."""

    pending: str
    flushing: str
    flushing_id: str
    last_id: str
    lock: str

    @classmethod
    def of(cls, namespace: str) -> UsageBufferKeys:
        names = ("pending", "flushing", "flushing:id", "last-flush-id", "lock")
        return cls(*(f"{{{namespace}}}:{name}" for name in names))

    def all(self) -> list[str]:
        return list(astuple(self))


def encode_field(key: UsageKey) -> str:
    return SEPARATOR.join((key.org_id, key.counter, key.day))


def decode_field(field: str) -> UsageKey:
    org_id, counter, day = field.split(SEPARATOR)
    return UsageKey(org_id, counter, day)


def make_redis(url: str, *, timeout: float = 1.0) -> redis.Redis:
    """A client with short timeouts: a recorder must fail over quickly, not hang a request."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, decode_responses=True
    )


class RedisUsageRecorder:
    """The `UsageRecorder` port: buffered in Redis, synchronous to DynamoDB when Redis is down."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        keys: UsageBufferKeys,
        counts: UsageCounts,
        clock: Clock,
        retry_after: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = client
        self._keys = keys
        self._counts = counts
        self._clock = clock
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._skip_redis_until = 0.0

    def record(
        self, *, org_id: str, counter: str, amount: int = 1, at: datetime | None = None
    ) -> None:
        key = UsageKey.of(org_id=org_id, counter=counter, at=at or self._clock.now())
        check_amount(amount)
        if not self._buffered(key, amount):
            self._counts.add(key, amount)

    def _buffered(self, key: UsageKey, amount: int) -> bool:
        if self._monotonic() < self._skip_redis_until:
            return False
        try:
            self._redis.hincrby(self._keys.pending, encode_field(key), amount)
        except redis.RedisError as error:
            log.warning("usage buffer unavailable, recording synchronously: %s", error)
            self._skip_redis_until = self._monotonic() + self._retry_after
            return False
        return True
