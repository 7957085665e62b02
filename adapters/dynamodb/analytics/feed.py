"""The activity feed in `activity-feed`: written once per event, read newest first.

An entry's key is its event's id, and the put is conditional on the key being new, so a
redelivered event costs one refused write and changes nothing. The indexes are eventually
consistent: an entry just written may take a moment to show in a user's or a subject's
feed (the organisation's partition is the table itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.analytics.keys import (
    actor_partition,
    entry_keys,
    feed_partition,
    subject_partition,
)
from adapters.dynamodb.analytics.rollups import query_all
from adapters.dynamodb.repository import DynamoRepository
from domains.analytics.model import ActivityEntry
from domains.shared.errors import Conflict
from domains.shared.ids import id_range
from domains.shared.pagination import Page, PageRequest


class DynamoActivityFeedRepository(DynamoRepository[ActivityEntry]):
    table = "activity-feed"

    def to_item(self, entity: ActivityEntry) -> dict[str, Any]:
        facts = {"facts": dict(entity.facts)} if entity.facts else {}
        return {
            **entry_keys(entity.org_id, entity.id, entity.actor_id, entity.subject),
            "org_id": entity.org_id,
            "id": entity.id,
            "type": entity.type,
            "verb": entity.verb,
            "actor_id": entity.actor_id,
            "resource_type": entity.resource_type,
            "resource_id": entity.resource_id,
            "project_id": entity.project_id,
            "workspace_id": entity.workspace_id,
            "summary": entity.summary,
            "occurred_at": entity.at,
            **facts,
        }

    def from_item(self, item: dict[str, Any]) -> ActivityEntry:
        return ActivityEntry(
            org_id=item["org_id"],
            id=item["id"],
            type=item["type"],
            verb=item["verb"],
            actor_id=item["actor_id"],
            resource_type=item["resource_type"],
            resource_id=item["resource_id"],
            at=item["occurred_at"],
            summary=item.get("summary", ""),
            project_id=item.get("project_id"),
            workspace_id=item.get("workspace_id"),
            facts=tuple(sorted((k, str(v)) for k, v in item.get("facts", {}).items())),
        )

    def add(self, entry: ActivityEntry) -> bool:
        try:
            self._put_new(self.to_item(entry))
        except Conflict:
            return False
        return True

    def list_org(self, org_id: str, *, page: PageRequest) -> Page[ActivityEntry]:
        return self._newest_first(Key("pk").eq(feed_partition(org_id)), None, page)

    def list_actor(self, org_id: str, actor_id: str, *, page: PageRequest) -> Page[ActivityEntry]:
        return self._newest_first(Key("gsi1pk").eq(actor_partition(org_id, actor_id)), "gsi1", page)

    def list_subject(
        self,
        org_id: str,
        subject: tuple[str, str],
        *,
        page: PageRequest,
        resource: tuple[str, str] | None = None,
    ) -> Page[ActivityEntry]:
        key = Key("gsi2pk").eq(subject_partition(org_id, subject))
        only: ConditionBase | None = None
        if resource is not None:
            only = Attr("resource_type").eq(resource[0]) & Attr("resource_id").eq(resource[1])
        return self._newest_first(key, "gsi2", page, only)

    # -- windows by time, for roll-ups (ids are ULIDs: a time range is an id range) ------------

    def entries_between(
        self, org_id: str, start: datetime, end: datetime
    ) -> Iterator[ActivityEntry]:
        ids = Key("sk").between(*feed_ids(start, end))
        for item in query_all(self._client, self.table, Key("pk").eq(feed_partition(org_id)) & ids):
            entry = self._entity(item)
            if entry is not None:
                yield entry

    def _newest_first(
        self,
        key: ConditionBase,
        index: str | None,
        page: PageRequest,
        only: ConditionBase | None = None,
    ) -> Page[ActivityEntry]:
        return self._query_page(key, index=index, page=page, scan_forward=False, filter=only)


def feed_ids(start: datetime, end: datetime) -> tuple[str, str]:
    """The BETWEEN bounds of the ids made in [start, end)."""
    return id_range(int(start.timestamp() * 1000), int(end.timestamp() * 1000))
