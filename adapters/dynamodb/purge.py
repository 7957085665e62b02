"""Purge expired items where the store does not expire them itself (a job, not a request).

DynamoDB deletes items whose TTL attribute has passed (within days); local endpoints (moto,
DynamoDB Local) never do, so their TTL tables would only grow. On such an endpoint this job
does what TTL would: for each TTL table of the enabled features it Scans (paginated, filter
`<ttl> < now`) and deletes each expired item on condition that it is *still* expired, so an
item refreshed meanwhile (a rotated session, a re-sent invitation) survives. That covers
refresh-token and admin sessions and throttle windows (`user-sessions`), invitations and
expired API keys (`organization-data`), pending uploads (`user-content-metadata`),
Idempotency-Key records, dead letters and relayed events (`system-logs`).

Rows awaiting archive (they carry an `EXPIRES#...` expiry index key: audit entries today) are
deleted only once the archive manifest covers them (adapters.dynamodb.archive), never before.
On AWS (`is_aws`) the store expires items itself and the job does nothing.

Reads never depend on this job: every read already treats an expired item as absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.dynamodb.archive import Archiver, expiry_index
from adapters.dynamodb.catalog import table_def, tables_for
from adapters.dynamodb.client import DynamoClient
from domains.shared.clock import Clock
from domains.shared.errors import PreconditionFailed

PAGE = 500
Wire = dict[str, Any]


@dataclass
class PurgeReport:
    disabled: bool = False
    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # refreshed, or not archived yet

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


class Purger:
    def __init__(
        self,
        client: DynamoClient,
        *,
        clock: Clock,
        features: tuple[str, ...],
        is_aws: bool,
        archiver: Archiver,
    ) -> None:
        self._client = client
        self._clock = clock
        self._is_aws = is_aws
        self._archiver = archiver
        self.tables = tuple(
            (t.logical_name, t.ttl_attribute) for t in tables_for(features) if t.ttl_attribute
        )

    def run(self) -> PurgeReport:
        if self._is_aws:
            return PurgeReport(disabled=True)
        report = PurgeReport()
        now = int(self._clock.now().timestamp())
        watermarks: dict[tuple[str, str], dict[int, str]] = {}
        for table, ttl in self.tables:
            deleted = kept = 0
            for item in self._expired(table, ttl, now):
                if self._awaits_archive(table, item, watermarks) or not self._delete(
                    table, ttl, item, now
                ):
                    kept += 1
                else:
                    deleted += 1
            report.deleted[table], report.kept[table] = deleted, kept
        return report

    def _expired(self, table: str, ttl: str, now: int) -> Any:
        """Every item whose TTL has passed (paginated Scan; a job, never a request path)."""
        request: dict[str, Any] = {
            "FilterExpression": "#ttl < :now",
            "ExpressionAttributeNames": {"#ttl": ttl},
            "ExpressionAttributeValues": {":now": {"N": str(now)}},
            "Limit": PAGE,
        }
        while True:
            page = self._client.scan(table, **request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _awaits_archive(self, table: str, item: Wire, marks: dict[Any, Any]) -> bool:
        index = expiry_index(table)
        if index is None or index.hash_key not in item:
            return False
        return not self._archiver.covers(table, item, marks)

    def _delete(self, table: str, ttl: str, item: Wire, now: int) -> bool:
        """Delete if still expired (a refreshed item survives); False when it was kept."""
        definition = table_def(table)
        key = {name: item[name] for name in (definition.hash_key, definition.range_key)}
        try:
            self._client.delete_item(
                table,
                Key=key,
                ConditionExpression="#ttl < :now",
                ExpressionAttributeNames={"#ttl": ttl},
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except PreconditionFailed:
            return False
        return True
