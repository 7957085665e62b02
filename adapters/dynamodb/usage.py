"""Usage counters in `aggregated-analytics`: one item per organisation, counter and day,
grown by `ADD` (never read-modify-write).

A flush's add carries the flush id and is conditional on the item's `last_flush` being older
(`attribute_not_exists(last_flush) OR last_flush < :id`), and it sets `last_flush` in the
same atomic update. Replaying a flush after a crash therefore skips the counters it already
applied (the condition fails), and a straggling older flush can never add after a newer one.
The synchronous adds (no buffer) leave `last_flush` alone, so they never hide a flush.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.aggregated_keys import AGGREGATES_TABLE, usage_key, usage_partition
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.reading import collect, query_request
from domains.shared.errors import PreconditionFailed
from domains.shared.usage import UsageKey

MAX_DAYS = 3660  # a read spans at most ten years of days


class FlushAlreadyApplied(PreconditionFailed):
    """This counter already holds this flush (or a later one): nothing to add."""


def _key(key: UsageKey) -> dict[str, Any]:
    return {name: {"S": value} for name, value in usage_key(key).items()}


class DynamoUsageCounts:
    """The `UsageCounts` port over DynamoDB: one UpdateItem per add."""

    def __init__(self, client: DynamoClient) -> None:
        self._client = client

    def add(self, key: UsageKey, amount: int) -> None:
        self._client.update_item(
            AGGREGATES_TABLE,
            Key=_key(key),
            UpdateExpression="ADD #count :n",
            ExpressionAttributeNames={"#count": "count"},
            ExpressionAttributeValues={":n": {"N": str(amount)}},
        )

    def add_once(self, key: UsageKey, amount: int, flush_id: int) -> bool:
        try:
            self._client.update_item(
                AGGREGATES_TABLE,
                on_condition=FlushAlreadyApplied,
                Key=_key(key),
                UpdateExpression="ADD #count :n SET last_flush = :flush",
                ConditionExpression="attribute_not_exists(last_flush) OR last_flush < :flush",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={
                    ":n": {"N": str(amount)},
                    ":flush": {"N": str(flush_id)},
                },
            )
        except FlushAlreadyApplied:
            return False
        return True

    def daily(self, org_id: str, counter: str, first: str, last: str) -> dict[str, int]:
        """A counter's counts by day from `first` to `last` (`yyyy-mm-dd`, both included)."""
        condition = Key("pk").eq(usage_partition(org_id, counter)) & Key("sk").between(first, last)
        request = query_request(
            condition, index=None, scan_forward=True, filter=None, consistent=True
        )
        items = collect(
            self._client, AGGREGATES_TABLE, request, start=None, wanted=MAX_DAYS, keep=bool
        )
        return {item["sk"]["S"]: int(item["count"]["N"]) for item in items}
