"""Each table's share of a multi-table call's capacity units (the cost report charges each
table its own part, not the whole call to its first table).

Off AWS, each table's part is computed with metering's own formulas on the part of the request
that names it; on AWS, from the ConsumedCapacity entry DynamoDB returns per table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.dynamodb import metering

Share = tuple[str, float, float]  # (logical table, read units, write units)
IndexKeys = metering.IndexKeys


def aws_shares(
    operation: str, response: Mapping[str, Any], logical: Callable[[str], str]
) -> tuple[Share, ...]:
    consumed = response.get("ConsumedCapacity") or []
    shares = []
    for entry in [consumed] if isinstance(consumed, Mapping) else consumed:
        read, write = metering.aws_units(operation, {"ConsumedCapacity": entry})
        shares.append((logical(str(entry.get("TableName", ""))), read, write))
    return tuple(shares)


def batch_get_shares(request: Mapping[str, Any], response: Mapping[str, Any]) -> tuple[Share, ...]:
    return tuple(
        (table, metering.batch_get_units({"RequestItems": {table: spec}}, response), 0.0)
        for table, spec in request["RequestItems"].items()
    )


def batch_write_shares(
    request: Mapping[str, Any], response: Mapping[str, Any], index_keys: IndexKeys
) -> tuple[Share, ...]:
    return tuple(
        (table, 0.0, metering.batch_write_units({"RequestItems": {table: w}}, response, index_keys))
        for table, w in request["RequestItems"].items()
    )


def _by_table(actions: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for action in actions:
        grouped.setdefault(next(iter(action.values()))["TableName"], []).append(action)
    return grouped


def transact_write_shares(request: Mapping[str, Any], index_keys: IndexKeys) -> tuple[Share, ...]:
    return tuple(
        (table, 0.0, metering.transact_write_units({"TransactItems": part}, index_keys))
        for table, part in _by_table(request["TransactItems"]).items()
    )


def transact_get_shares(actions: list[Any], response: Mapping[str, Any]) -> tuple[Share, ...]:
    """Responses come in the order of the actions."""
    answers = list(response.get("Responses", []))
    per_table: dict[str, list[Any]] = {}
    for action, answer in zip(actions, answers, strict=False):
        per_table.setdefault(next(iter(action.values()))["TableName"], []).append(answer)
    return tuple(
        (table, metering.transact_get_units({"Responses": part}), 0.0)
        for table, part in per_table.items()
    )
