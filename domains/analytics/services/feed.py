"""Recording the feed: one entry per domain event, whatever the number of deliveries."""

from __future__ import annotations

from domains.analytics.model import entry_from
from domains.analytics.ports import ActivityFeedRepository
from domains.shared.events import DomainEvent


class ActivityFeedService:
    """The feed's consumer of domain events. The relay delivers each event at least once;
    the entry's key is the event's id and its write is conditional, so a redelivery (or two
    workers racing on one event) leaves one entry and raises nothing."""

    def __init__(self, *, feed: ActivityFeedRepository) -> None:
        self._feed = feed

    def record(self, event: DomainEvent) -> bool:
        """True when the event became a new entry; False for a redelivered event or one of no
        organisation (platform-level events have no feed)."""
        entry = entry_from(event)
        if entry is None:
            return False
        return self._feed.add(entry)
