"""The outbox relay: hands each committed domain event to the workers, then forgets it.

Oldest first, shard by shard. An event is removed from the outbox only after it was handed
on, so a broker outage (handing on raises) stops the pass and leaves the rest for the next
one: events are delayed, never lost. A crash between handing on and removing hands the same
event on twice; consumers are idempotent by event id, so that is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from adapters.dynamodb.outbox import OUTBOX_SHARDS
from domains.shared.events import DomainEvent


class Outbox(Protocol):
    def pending(self, shard: int, *, limit: int) -> list[DomainEvent]: ...

    def remove(self, event: DomainEvent) -> None: ...


def relay_once(outbox: Outbox, hand_on: Callable[[DomainEvent], None], *, limit: int = 100) -> int:
    """One pass over every shard (at most `limit` events each); the number handed on.
    Whatever `hand_on` raises (the broker is down) ends the pass and propagates."""
    relayed = 0
    for shard in range(OUTBOX_SHARDS):
        for event in outbox.pending(shard, limit=limit):
            hand_on(event)
            outbox.remove(event)
            relayed += 1
    return relayed
