"""Capacity units of one call: from AWS's ConsumedCapacity, or computed from item sizes elsewhere.

Local estimates (moto, other emulators) follow capacity.py with these choices:
- PutItem charges the written item (DynamoDB charges the larger of old and new; we ignore old).
- UpdateItem charges the returned ALL_NEW item when requested (the repository always asks);
  otherwise the key plus the update's values, a lower bound.
- DeleteItem charges the returned ALL_OLD item when requested, otherwise one unit.
- Query/Scan charge the returned items; items read but filtered out are counted at the
  average returned size (one unit when nothing came back).
- BatchWriteItem deletes and transactional updates are charged like DeleteItem/UpdateItem
  without return values; a ConditionCheck costs one transactional write unit (two units).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from adapters.dynamodb import capacity

IndexKeys = Callable[[str], Sequence[tuple[str, str]]]
READ_OPERATIONS = frozenset(
    {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "DescribeTable", "ListTables"}
)


def aws_units(operation: str, response: Mapping[str, Any]) -> tuple[float, float]:
    """Sum the ConsumedCapacity DynamoDB returned (a dict, or a list for batch calls)."""
    consumed = response.get("ConsumedCapacity") or []
    entries = [consumed] if isinstance(consumed, Mapping) else list(consumed)
    reads = writes = 0.0
    for entry in entries:
        read, write = entry.get("ReadCapacityUnits"), entry.get("WriteCapacityUnits")
        if read is None and write is None:
            total = float(entry.get("CapacityUnits", 0.0))
            read, write = (total, 0.0) if operation in READ_OPERATIONS else (0.0, total)
        reads += float(read or 0.0)
        writes += float(write or 0.0)
    return reads, writes


def _update_estimate(request: Mapping[str, Any]) -> int:
    values = request.get("ExpressionAttributeValues", {}).values()
    names = request.get("ExpressionAttributeNames", {}).values()
    return (
        capacity.item_size(request["Key"])
        + sum(capacity.value_size(v) for v in values)
        + sum(len(n) for n in names)
    )


def _read_sizes(items: Sequence[Mapping[str, Any]], scanned: int) -> list[int]:
    sizes = [capacity.item_size(item) for item in items]
    if scanned > len(sizes):
        average = sum(sizes) // len(sizes) if sizes else 1
        sizes += [average] * (scanned - len(sizes))
    return sizes


def single_units(
    operation: str, request: Mapping[str, Any], response: Mapping[str, Any], index_keys: Any
) -> tuple[float, float]:
    """(read, write) units of one single-table call, computed locally."""
    consistent = bool(request.get("ConsistentRead", False))
    if operation == "GetItem":
        size = capacity.item_size(response.get("Item", {}))
        return capacity.read_units(size, consistent=consistent), 0.0
    if operation in ("Query", "Scan"):
        items = response.get("Items", [])
        sizes = _read_sizes(items, int(response.get("ScannedCount", len(items))))
        return capacity.query_read_units(sizes, consistent=consistent), 0.0
    if operation == "PutItem":
        return 0.0, capacity.item_write_units(request["Item"], index_keys)
    returned = request.get("ReturnValues")
    attributes = response.get("Attributes")
    if operation == "UpdateItem":
        if returned == "ALL_NEW" and attributes:
            return 0.0, capacity.item_write_units(attributes, index_keys)
        return 0.0, capacity.write_units(_update_estimate(request))
    if operation == "DeleteItem":
        if returned == "ALL_OLD" and attributes:
            return 0.0, capacity.item_write_units(attributes, index_keys)
        return 0.0, 1.0
    return 0.0, 0.0


def batch_get_units(request: Mapping[str, Any], response: Mapping[str, Any]) -> float:
    total = 0.0
    for table, spec in request["RequestItems"].items():
        returned = response.get("Responses", {}).get(table, [])
        unprocessed = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        missing = max(0, len(spec["Keys"]) - len(returned) - len(unprocessed))
        sizes = [capacity.item_size(item) for item in returned] + [0] * missing
        total += capacity.batch_get_read_units(sizes, consistent=bool(spec.get("ConsistentRead")))
    return total


def batch_write_units(
    request: Mapping[str, Any], response: Mapping[str, Any], index_keys: IndexKeys
) -> float:
    total = 0.0
    for table, writes in request["RequestItems"].items():
        unprocessed = response.get("UnprocessedItems", {}).get(table, [])
        for write in writes:
            if write in unprocessed:
                continue
            if "PutRequest" in write:
                total += capacity.item_write_units(write["PutRequest"]["Item"], index_keys(table))
            else:
                total += 1.0
    return total


def transact_write_units(request: Mapping[str, Any], index_keys: IndexKeys) -> float:
    total = 0.0
    for action in request["TransactItems"]:
        ((kind, spec),) = action.items()
        if kind == "Put":
            keys = index_keys(spec["TableName"])
            total += capacity.item_write_units(spec["Item"], keys, transactional=True)
        elif kind == "Update":
            total += capacity.write_units(_update_estimate(spec), transactional=True)
        else:
            total += capacity.write_units(0, transactional=True)
    return total


def transact_get_units(response: Mapping[str, Any]) -> float:
    return sum(
        capacity.read_units(capacity.item_size(r.get("Item", {})), transactional=True)
        for r in response.get("Responses", [])
    )
