"""Who consumes domain events: the one place that lists them (the composition root's choice,
like the container's). Each consumer is idempotent by event id: the relay may hand an event
on twice, and a re-queued dead letter runs again."""

from __future__ import annotations

from collections.abc import Callable

from domains.shared.events import DomainEvent
from nexus.container import container

Consumer = Callable[[DomainEvent], None]


def consumers() -> list[Consumer]:
    """The consumers of the enabled features."""
    root = container()
    features = root.config().features
    found: list[Consumer] = []
    if "agent_builder" in features and hasattr(root, "templates"):
        found.append(root.templates.stats().consume)  # a template's uses and popularity
    if "analytics" in features and hasattr(root, "analytics"):
        found.append(root.analytics.feed().record)
        found.append(root.analytics.rollups().mark)  # after the entry is written
    return found


def dispatch(event: DomainEvent) -> int:
    """Hand `event` to every consumer; the number that got it."""
    chosen = consumers()
    for consume in chosen:
        consume(event)
    return len(chosen)
