"""Experiment run logs in `experiment-run-logs` (TTL 30 days on `expires_at`).

Writes: BatchWriteItem, 25 puts a call, unprocessed items retried with backoff and jitter
(Throttled if they never go through). Not transactions: a batch of log lines need not be all
or nothing, and a put costs half a transactional write; a retried batch is made safe by its
positions instead (the same key gives the same items, see domains.lab.logs.services). Every
line carries the expiry index keys (gsi4) so the archive job copies it to S3 before TTL;
only warning and above carry gsi3's (by severity, for monitoring).

Reads: the base table (an experiment), gsi1 (a run) or gsi2 (a component), by position;
severity, component (on gsi1) and the lines' own time range are filters, expired lines are
dropped (TTL deletes lazily).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.archive import expiry_keys
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item
from adapters.dynamodb.cursor import CursorSigner, start_key_from
from adapters.dynamodb.lab.logs_keys import (
    batch_key,
    component_partition,
    experiment_partition,
    run_partition,
    severity_partition,
)
from adapters.dynamodb.reading import collect, query_request, query_scope
from adapters.dynamodb.repository import DynamoRepository
from domains.lab.logs.model import LogEntry, position
from domains.lab.logs.ports import LogFilter
from domains.shared.clock import Clock, isoformat, parse_iso
from domains.shared.errors import Conflict, Throttled
from domains.shared.pagination import Page, PageRequest

TABLE = "experiment-run-logs"
BATCH_WRITE = 25
WRITE_ATTEMPTS = 8
BATCH_CLAIM_TTL = timedelta(days=1)
# The severities monitoring reads by (gsi3); the chatty ones are left out of the index, so a
# debug or info line costs one write unit less (most lines are).
MONITORED = ("warning", "error", "critical")


def _moment(value: Any) -> datetime:
    """The codec reads ISO strings back as datetimes already."""
    return value if isinstance(value, datetime) else parse_iso(str(value))


class DynamoLogStore(DynamoRepository[LogEntry]):
    table = TABLE

    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(client, cursors=cursors, clock=clock, sleep=sleep)

    def to_item(self, entity: LogEntry) -> dict[str, Any]:
        e = entity
        at = position(e)
        expires = e.expires_at
        gsi4pk, gsi4sk = expiry_keys(expires, e.log_id)
        item: dict[str, Any] = {
            "pk": experiment_partition(e.org_id, e.experiment_id),
            "sk": at,
            "gsi2pk": component_partition(e.org_id, e.experiment_id, e.component),
            "gsi2sk": at,
            "gsi4pk": gsi4pk,
            "gsi4sk": gsi4sk,
            "org_id": e.org_id,
            "experiment_id": e.experiment_id,
            "log_id": e.log_id,
            "received_at": isoformat(e.received_at),
            "ts": isoformat(e.timestamp),
            "component": e.component,
            "severity": e.severity,
            "message": e.message,
            "expires_at": int(expires.timestamp()),
        }
        if e.severity in MONITORED:  # gsi3 is sparse: debug and info lines skip its write
            item["gsi3pk"] = severity_partition(e.org_id, e.severity)
            item["gsi3sk"] = f"EXP#{e.experiment_id}#{at}"
        if e.fields:
            item["fields"] = json.dumps(e.fields, sort_keys=True, default=str)
        if e.run_id:
            item["run_id"] = e.run_id
            item["gsi1pk"] = run_partition(e.org_id, e.run_id)
            item["gsi1sk"] = at
        return item

    def from_item(self, item: dict[str, Any]) -> LogEntry:
        return LogEntry(
            org_id=item["org_id"],
            experiment_id=item["experiment_id"],
            log_id=item["log_id"],
            received_at=_moment(item["received_at"]),
            timestamp=_moment(item["ts"]),
            component=item["component"],
            severity=item["severity"],
            message=item["message"],
            run_id=item.get("run_id"),
            fields=json.loads(item["fields"]) if item.get("fields") else {},
        )

    # -- writes --------------------------------------------------------------------------------

    def claim_batch(self, org_id: str, experiment_id: str, batch_key_: str, at_ms: int) -> int:
        key = batch_key(org_id, experiment_id, batch_key_)
        expires = datetime.fromtimestamp(at_ms / 1000, tz=UTC) + BATCH_CLAIM_TTL
        item = encode_item({**key, "at_ms": at_ms, "expires_at": int(expires.timestamp())})
        try:
            self._client.put_item(
                TABLE,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
                on_condition=Conflict,
            )
            return at_ms
        except Conflict:
            found = self._client.get_item(TABLE, Key=encode_item(key), ConsistentRead=True)
            return int(decode_item(found["Item"])["at_ms"])

    def write(self, entries: Sequence[LogEntry]) -> None:
        puts = [{"PutRequest": {"Item": encode_item(self.to_item(e))}} for e in entries]
        for start in range(0, len(puts), BATCH_WRITE):
            self._write_chunk(puts[start : start + BATCH_WRITE])

    def _write_chunk(self, pending: list[dict[str, Any]]) -> None:
        for attempt in range(WRITE_ATTEMPTS):
            response = self._client.batch_write_item(RequestItems={TABLE: pending})
            pending = list(response.get("UnprocessedItems", {}).get(TABLE, []))
            if not pending:
                return
            self._sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0))
        raise Throttled("log lines kept coming back unprocessed", retry_after=1)

    # -- reads ---------------------------------------------------------------------------------

    def _where(
        self,
        org_id: str,
        experiment_id: str,
        flt: LogFilter,
        low: str | None,
        *,
        bounded: bool = True,
    ) -> tuple[str | None, ConditionBase, ConditionBase | None]:
        """The index, key condition (positions in (low, until]) and filter of a read."""
        if flt.run_id:
            index, pk, sk = "gsi1", Key("gsi1pk").eq(run_partition(org_id, flt.run_id)), "gsi1sk"
        elif flt.component:
            part = component_partition(org_id, experiment_id, flt.component)
            index, pk, sk = "gsi2", Key("gsi2pk").eq(part), "gsi2sk"
        else:
            index, pk, sk = None, Key("pk").eq(experiment_partition(org_id, experiment_id)), "sk"
        if flt.time_from is not None:  # a line is written no earlier than its own time - skew
            earliest = f"{isoformat(flt.time_from - timedelta(minutes=5))}#"
            low = max(low or "", earliest)
        high = flt.until if bounded else "~"  # "~" sorts after every position
        if low and low > high:
            low = high  # nothing can match but the bound itself, which no position is
        condition = pk & (Key(sk).between(low, high) if low else Key(sk).lte(high))
        filters: list[ConditionBase] = [Attr("experiment_id").eq(experiment_id)]
        if flt.run_id and flt.component:
            filters.append(Attr("component").eq(flt.component))
        if flt.severities is not None:
            filters.append(Attr("severity").is_in(list(flt.severities)))
        if flt.time_from is not None:
            filters.append(Attr("ts").gte(isoformat(flt.time_from)))
        if flt.time_to is not None:
            filters.append(Attr("ts").lte(isoformat(flt.time_to)))
        combined = filters[0]
        for more in filters[1:]:
            combined = combined & more
        return index, condition, combined

    def newest(
        self, org_id: str, experiment_id: str, flt: LogFilter, page: PageRequest
    ) -> Page[LogEntry]:
        """As the repository's pages, but the settled bound is kept out of the request (a
        cursor is bound to its request, and the bound moves): lines past it are skipped."""
        index, condition, filter_ = self._where(org_id, experiment_id, flt, None, bounded=False)
        request = query_request(
            condition, index=index, scan_forward=False, filter=filter_, consistent=False
        )
        scope = query_scope(TABLE, request)
        start = self._cursors.decode(page.cursor, scope) if page.cursor else None
        sort_key = {None: "sk", "gsi1": "gsi1sk", "gsi2": "gsi2sk"}[index]
        kept = collect(
            self._client,
            TABLE,
            request,
            start=start,
            wanted=page.limit + 1,
            keep=lambda item: not self._expired(item) and item[sort_key]["S"] <= flt.until,
        )
        cursor = None
        if len(kept) > page.limit:
            kept = kept[: page.limit]
            cursor = self._cursors.encode(start_key_from(kept[-1], self._key_names(index)), scope)
        entries = (self._entity(item) for item in kept)
        return Page([e for e in entries if e is not None], cursor)

    def after(
        self, org_id: str, experiment_id: str, flt: LogFilter, since: str, limit: int
    ) -> tuple[list[LogEntry], bool]:
        index, condition, filter_ = self._where(org_id, experiment_id, flt, since)
        request = query_request(
            condition, index=index, scan_forward=True, filter=filter_, consistent=False
        )
        kept = collect(
            self._client,
            TABLE,
            request,
            start=None,
            wanted=limit + 1,
            keep=lambda item: not self._expired(item),
        )
        entries = [e for e in (self._entity(i) for i in kept[:limit]) if e is not None]
        return entries, len(kept) > limit
