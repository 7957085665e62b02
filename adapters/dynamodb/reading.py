"""The wire-level read loops the repository builds on: Query pages and batch-get retries."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from boto3.dynamodb.conditions import ConditionBase

from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.expressions import Expressions
from domains.shared.errors import Throttled

BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 8
Wire = dict[str, Any]


def query_request(
    key_condition: ConditionBase,
    *,
    index: str | None,
    scan_forward: bool,
    filter: ConditionBase | None,
    consistent: bool,
) -> dict[str, Any]:
    """A Query request (without Limit or start key) from composable conditions."""
    expressions = Expressions()
    request: dict[str, Any] = {
        "KeyConditionExpression": expressions.condition(key_condition, key=True),
        "ScanIndexForward": scan_forward,
    }
    if filter is not None:
        request["FilterExpression"] = expressions.condition(filter)
    if index:
        request["IndexName"] = index
    if consistent:
        request["ConsistentRead"] = True
    return {**request, **expressions.params()}


def scan_request(filter: ConditionBase | None, *, consistent: bool) -> dict[str, Any]:
    expressions = Expressions()
    request: dict[str, Any] = {}
    if filter is not None:
        request["FilterExpression"] = expressions.condition(filter)
    if consistent:
        request["ConsistentRead"] = True
    return {**request, **expressions.params()}


def query_scope(table: str, request: Mapping[str, Any]) -> str:
    """What a cursor is bound to: the table, the index, the conditions and their values."""
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    operation = "query" if "KeyConditionExpression" in request else "scan"
    return f"{table}:{operation}:{request.get('IndexName') or ''}:{digest}"


def collect(
    client: DynamoClient,
    table: str,
    request: Mapping[str, Any],
    *,
    start: Wire | None,
    wanted: int,
    keep: Callable[[Wire], bool],
    scan: bool = False,
) -> list[Wire]:
    """Query (or Scan) until `wanted` items pass `keep` or the results end."""
    call = client.scan if scan else client.query
    kept: list[Wire] = []
    while True:
        paged = {**request, "Limit": wanted - len(kept)}
        if start:
            paged["ExclusiveStartKey"] = start
        response = call(table, **paged)
        kept += [item for item in response.get("Items", []) if keep(item)]
        start = response.get("LastEvaluatedKey")
        if len(kept) >= wanted or not start:
            return kept


def batch_get_chunk(
    client: DynamoClient, table: str, keys: list[Wire], *, sleep: Callable[[float], None]
) -> list[Wire]:
    """One BatchGetItem of at most 100 keys, retrying unprocessed keys with backoff and jitter."""
    return batch_get_tables(client, {table: keys}, sleep=sleep).get(table, [])


def batch_get_tables(
    client: DynamoClient, keys: Mapping[str, list[Wire]], *, sleep: Callable[[float], None]
) -> dict[str, list[Wire]]:
    """One BatchGetItem over several tables (at most 100 keys in all), by table; unprocessed
    keys are retried with exponential backoff and jitter (Throttled if they never go)."""
    items: dict[str, list[Wire]] = {table: [] for table in keys}
    pending = {table: {"Keys": wanted} for table, wanted in keys.items() if wanted}
    for attempt in range(BATCH_GET_ATTEMPTS):
        if not pending:
            return items
        if attempt:
            sleep(min(2.0, 0.05 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0))
        response = client.batch_get_item(RequestItems=pending)
        for table, found in response.get("Responses", {}).items():
            items[table] += found
        pending = {t: {"Keys": v["Keys"]} for t, v in response.get("UnprocessedKeys", {}).items()}
    if not pending:
        return items
    left = sum(len(v["Keys"]) for v in pending.values())
    raise Throttled(f"batch read of {', '.join(pending)} left {left} keys unprocessed")
