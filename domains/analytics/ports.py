"""What the analytics context needs from storage (implemented in adapters/dynamodb/analytics)."""

from __future__ import annotations

from typing import Protocol

from domains.analytics.model import ActivityEntry
from domains.shared.pagination import Page, PageRequest


class ActivityFeedRepository(Protocol):
    """The feed, newest first everywhere (entry ids are ULIDs: they sort by time).

    Entries are written once and never changed; the partitions are the organisation's, each
    actor's and each subject's (`ActivityEntry.subject`), all within the organisation.
    """

    def add(self, entry: ActivityEntry) -> bool:
        """Write the entry unless one with its id is there (a conditional put): True when it
        was new, False when its event had been recorded already (a redelivery)."""

    def list_org(self, org_id: str, *, page: PageRequest) -> Page[ActivityEntry]: ...

    def list_actor(self, org_id: str, actor_id: str, *, page: PageRequest) -> Page[ActivityEntry]:
        """What one user (or API key) did."""

    def list_subject(
        self,
        org_id: str,
        subject: tuple[str, str],
        *,
        page: PageRequest,
        resource: tuple[str, str] | None = None,
    ) -> Page[ActivityEntry]:
        """A subject's feed (a project: its own entries and those of resources in it), or
        only the entries of `resource` in it."""
