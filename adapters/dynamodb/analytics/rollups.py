"""Roll-ups and their dirty marks in `aggregated-analytics`.

A roll-up item is one metric of one organisation for one period, replaced whole by a PutItem
(recomputing writes the same item again: no ADD, nothing to double). The dirty marks share
one partition, `ROLLUP#DIRTY`, sorted by hour; a mark carries a fresh token on every put, and
is deleted only on that token, so an hour re-marked while it was being computed stays due.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, Key

from adapters.dynamodb.aggregated_keys import (
    AGGREGATES_TABLE,
    DIRTY_PARTITION,
    dirty_key,
    metric_partition,
    rollup_key,
)
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import decode_item, encode_item
from adapters.dynamodb.reading import query_request
from domains.analytics.rollups import (
    HOUR,
    DirtyHour,
    Measure,
    Number,
    Rollup,
    period_key,
    period_of_key,
)
from domains.shared.errors import PreconditionFailed
from domains.shared.ids import new_id

Wire = dict[str, Any]


def query_all(
    client: DynamoClient, table: str, condition: ConditionBase, *, limit: int | None = None
) -> Iterator[Wire]:
    """Every item of a consistent Query, oldest first, page by page (each 1 MB at most)."""
    request = query_request(condition, index=None, scan_forward=True, filter=None, consistent=True)
    if limit is not None:
        request["Limit"] = limit
    start: Wire | None = None
    while True:
        response = client.query(table, **request, **({"ExclusiveStartKey": start} if start else {}))
        yield from response.get("Items", [])
        start = response.get("LastEvaluatedKey")
        if not start or limit is not None:
            return


def _number(value: int | Decimal) -> Number:
    return value if isinstance(value, int) else float(value)


def _values(raw: Mapping[str, Any]) -> dict[str, Number]:
    return {name: _number(value) for name, value in raw.items()}


class DynamoRollupStore:
    """The `RollupStore` port: PutItem per period, one Query per window."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def put(self, rollup: Rollup) -> None:
        measure = rollup.measure
        item = {
            **rollup_key(rollup.org_id, rollup.metric, rollup.granularity, rollup.key),
            "org_id": rollup.org_id,
            "metric": rollup.metric,
            "granularity": rollup.granularity,
            "values": dict(measure.values),
            "distinct": set(measure.distinct),  # an empty set is omitted
        }
        self._client.put_item(AGGREGATES_TABLE, Item=encode_item(item))

    def window(
        self, org_id: str, metric: str, granularity: str, first: datetime, last: datetime
    ) -> list[Rollup]:
        partition = Key("pk").eq(metric_partition(org_id, metric, granularity))
        bounds = Key("sk").between(period_key(first, granularity), period_key(last, granularity))
        items = query_all(self._client, AGGREGATES_TABLE, partition & bounds)
        return [self._rollup(decode_item(item)) for item in items]

    def _rollup(self, item: dict[str, Any]) -> Rollup:
        measure = Measure(_values(item.get("values", {})), frozenset(item.get("distinct", ())))
        start = period_of_key(item["sk"], item["granularity"])
        return Rollup(item["org_id"], item["metric"], item["granularity"], start, measure)


class MarkCleared(PreconditionFailed):
    """The mark was re-set (or removed) since it was read."""


class DynamoDirtyPeriods:
    """The `DirtyPeriods` port: a PutItem per mark, a Query for the due ones, a conditional
    DeleteItem to clear one."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def mark(self, org_id: str, hour: datetime) -> None:
        item = {**dirty_key(org_id, period_key(hour, HOUR)), "org_id": org_id, "token": new_id()}
        self._client.put_item(AGGREGATES_TABLE, Item=encode_item(item))

    def pending(self, *, limit: int) -> list[DirtyHour]:
        items = query_all(
            self._client, AGGREGATES_TABLE, Key("pk").eq(DIRTY_PARTITION), limit=limit
        )
        marks = [decode_item(item) for item in items]
        return [
            DirtyHour(m["org_id"], period_of_key(m["sk"].split("#")[0], HOUR), m["token"])
            for m in marks
        ]

    def clear(self, mark: DirtyHour) -> bool:
        try:
            self._client.delete_item(
                AGGREGATES_TABLE,
                on_condition=MarkCleared,
                Key=encode_item(dirty_key(mark.org_id, period_key(mark.hour, HOUR))),
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#token": "token"},
                ExpressionAttributeValues={":token": {"S": mark.token}},
            )
        except MarkCleared:
            return False
        return True
