"""An organisation's audit log, read from `system-logs` newest first.

The entries' keys come from the builder the writer uses (`audit_keys`): filtering by actor
queries gsi1, by action gsi2, by both gsi1 with a filter on the action (an actor does far
fewer things than an action is done by everyone), and a time range is a BETWEEN on the sort
key all three share. Index reads are eventually consistent: an entry written a moment ago
may be missing from a filtered page for a moment.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.audit_keys import (
    AUDIT_TABLE,
    action_partition,
    actor_partition,
    audit_partition,
    stamp_from,
    stamp_until,
)
from adapters.dynamodb.repository import DynamoRepository
from domains.identity.ports import AuditFilter
from domains.shared.audit import AuditEntry
from domains.shared.clock import parse_iso
from domains.shared.pagination import Page, PageRequest


class DynamoAuditLogReader(DynamoRepository[AuditEntry]):
    table = AUDIT_TABLE

    def from_item(self, item: dict[str, Any]) -> AuditEntry:
        return AuditEntry(
            org_id=item.get("org_id"),
            actor_id=item["actor_id"],
            action=item["action"],
            resource_type=item["resource_type"],
            resource_id=item["resource_id"],
            at=parse_iso(item["at"]),
            request_id=item.get("request_id", ""),
            details=item.get("details") or {},
            id=item["id"],
        )

    def list(self, org_id: str | None, filter: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        index, partition = self._partition(org_id, filter)
        hash_key, range_key = self._index_keys(index)
        condition = Key(hash_key).eq(partition)
        span = _span(Key(range_key), filter)
        only_action = (
            Attr("action").eq(filter.action) if filter.actor_id and filter.action else None
        )
        return self._query_page(
            condition if span is None else condition & span,
            index=index,
            page=page,
            scan_forward=False,
            filter=only_action,
        )

    @staticmethod
    def _partition(org_id: str | None, filter: AuditFilter) -> tuple[str | None, str]:
        if filter.actor_id:
            return "gsi1", actor_partition(org_id, filter.actor_id)
        if filter.action:
            return "gsi2", action_partition(org_id, filter.action)
        return None, audit_partition(org_id)

    def _index_keys(self, index: str | None) -> tuple[str, str]:
        table = self.definition
        if index is None:
            return table.hash_key, table.range_key
        found = next(i for i in table.indexes if i.name == index)
        return found.hash_key, found.range_key


def _span(sort_key: Key, filter: AuditFilter) -> ConditionBase | None:
    """The time range on the stamp, both ends inclusive to the millisecond."""
    if filter.since and filter.until:
        return sort_key.between(stamp_from(filter.since), stamp_until(filter.until))
    if filter.since:
        return sort_key.gte(stamp_from(filter.since))
    if filter.until:
        return sort_key.lte(stamp_until(filter.until))
    return None
