"""In-memory fake of the analytics port: the unit tier records and reads the feed with it, and
the contract suite holds it to the DynamoDB adapter (same order, same cursors' rules); and
the events every tier records."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, datetime
from typing import Any

from domains.analytics.model import ActivityEntry
from domains.analytics.rollups import entry_time
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import newest_first


class InMemoryActivityFeed:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], ActivityEntry] = {}
        self.writes = 0  # every put tried, refused ones too (the store bills those as well)

    def add(self, entry: ActivityEntry) -> bool:
        self.writes += 1
        key = (entry.org_id, entry.id)
        if key in self.entries:
            return False
        self.entries[key] = entry
        return True

    def list_org(self, org_id: str, *, page: PageRequest) -> Page[ActivityEntry]:
        return self._page(("org", org_id), page, lambda e: e.org_id == org_id)

    def list_actor(self, org_id: str, actor_id: str, *, page: PageRequest) -> Page[ActivityEntry]:
        return self._page(
            ("actor", org_id, actor_id),
            page,
            lambda e: e.org_id == org_id and e.actor_id == actor_id,
        )

    def list_subject(
        self,
        org_id: str,
        subject: tuple[str, str],
        *,
        page: PageRequest,
        resource: tuple[str, str] | None = None,
    ) -> Page[ActivityEntry]:
        def wanted(e: ActivityEntry) -> bool:
            mine = e.org_id == org_id and e.subject == subject
            return mine and (resource is None or (e.resource_type, e.resource_id) == resource)

        return self._page(("subject", org_id, subject, resource), page, wanted)

    def entries_between(
        self, org_id: str, start: datetime, end: datetime
    ) -> Iterator[ActivityEntry]:
        found = [e for e in self.entries.values() if e.org_id == org_id]
        yield from sorted((e for e in found if start <= entry_time(e) < end), key=lambda e: e.id)

    def orgs_between(self, start: datetime, end: datetime) -> set[str]:
        return {e.org_id for e in self.entries.values() if start <= entry_time(e) < end}

    def _page(
        self, scope: Hashable, page: PageRequest, wanted: Callable[[ActivityEntry], bool]
    ) -> Page[ActivityEntry]:
        found = [e for e in self.entries.values() if wanted(e)]
        return newest_first(found, page, scope=scope, key=lambda e: (e.id,))


def domain_event(
    name: str,
    /,
    *,
    org_id: str | None,
    actor_id: str,
    resource: tuple[str, str],
    at: datetime | None = None,
    **data: Any,
) -> DomainEvent:
    """An event as a context publishes it (a fresh ULID: later events sort after)."""
    when = at or datetime(2026, 1, 1, tzinfo=UTC)
    return DomainEvent(name, org_id, actor_id, resource[0], resource[1], when, data)
