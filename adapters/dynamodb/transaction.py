"""Transaction: collects puts, updates, deletes and condition checks and commits them once.

TransactWriteItems is all or nothing, at most 100 actions (4 MB in total), one action per
item. A cancellation raises TransactionCancelled whose `reasons` hold one code per action, in
the order the actions were added ("None" for the actions that were fine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase

from adapters.dynamodb.catalog import table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import TTL_ATTRIBUTE, encode_item, encode_value
from adapters.dynamodb.expressions import VERSION, Expressions, next_version, version_condition
from adapters.dynamodb.offload import Offloader, pointer_uris
from domains.shared.errors import DomainError

MAX_ACTIONS = 100


def protected_attributes(logical: str) -> frozenset[str]:
    """Attributes never offloaded: table and index keys, the version and the TTL attribute."""
    definition = table_def(logical)
    return frozenset(
        {*definition.key_attributes, VERSION, definition.ttl_attribute or TTL_ATTRIBUTE}
    )


def _combined(*conditions: ConditionBase | None) -> ConditionBase | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    combined = present[0]
    for condition in present[1:]:
        combined = combined & condition
    return combined


class Transaction:
    def __init__(self, client: DynamoClient, *, offloader: Offloader | None = None) -> None:
        self._client = client
        self._offloader = offloader
        self._actions: list[dict[str, Any]] = []
        self._uploaded: list[str] = []
        self._replaced: list[str] = []  # objects of items this transaction overwrites

    def __len__(self) -> int:
        return len(self._actions)

    def _add(
        self,
        kind: str,
        spec: dict[str, Any],
        condition: ConditionBase | None,
        update: Callable[[Expressions], str] | None = None,
    ) -> None:
        if len(self._actions) >= MAX_ACTIONS:
            raise ValueError(f"a transaction holds at most {MAX_ACTIONS} actions")
        expressions = Expressions()
        if update is not None:
            spec["UpdateExpression"] = update(expressions)
        if condition is not None:
            spec["ConditionExpression"] = expressions.condition(condition)
        self._actions.append({kind: {**spec, **expressions.params()}})

    def put(
        self,
        table: str,
        item: Mapping[str, Any],
        *,
        condition: ConditionBase | None = None,
        versioned: bool = False,
        expected_version: int | None = None,
        replaces: Iterable[str] = (),
    ) -> Transaction:
        """Put a whole item; `versioned` adds the optimistic-locking condition and increment.
        `replaces`: the offloaded objects of the item being overwritten (as read at
        `expected_version`); those the new item no longer points to are deleted once the
        transaction commits."""
        values = dict(item)
        if versioned:
            values[VERSION] = next_version(expected_version)
            condition = _combined(condition, version_condition(expected_version))
        wire = encode_item(values)
        if self._offloader is not None:
            protected = protected_attributes(table)
            wire, uploaded = self._offloader.offload(table, wire, protected=protected)
            self._uploaded += uploaded
        self._replaced += sorted(set(replaces) - pointer_uris(wire))
        self._add("Put", {"TableName": table, "Item": wire}, condition)
        return self

    def update(
        self,
        table: str,
        key: Mapping[str, Any],
        *,
        set: Mapping[str, Any] | None = None,
        add: Mapping[str, int | float] | None = None,
        remove: Iterable[str] = (),
        condition: ConditionBase | None = None,
        versioned: bool = False,
        expected_version: int | None = None,
    ) -> Transaction:
        """SET attributes, ADD to counters (never read-modify-write), REMOVE attributes."""
        changes = dict(set or {})
        if versioned:
            changes[VERSION] = next_version(expected_version)
            condition = _combined(condition, version_condition(expected_version))
        wire_set = encode_item(changes)
        dropped = [name for name in changes if name not in wire_set]
        wire_add = {name: encode_value(amount) for name, amount in (add or {}).items()}

        def build(expressions: Expressions) -> str:
            return expressions.update(set_=wire_set, add=wire_add, remove=[*remove, *dropped])

        spec = {"TableName": table, "Key": encode_item(key)}
        self._add("Update", spec, condition, build)
        return self

    def delete(
        self,
        table: str,
        key: Mapping[str, Any],
        *,
        condition: ConditionBase | None = None,
        replaces: Iterable[str] = (),
    ) -> Transaction:
        """Delete an item; `replaces`: its offloaded objects, deleted once this commits."""
        self._add("Delete", {"TableName": table, "Key": encode_item(key)}, condition)
        self._replaced += sorted(set(replaces))
        return self

    def condition_check(
        self, table: str, key: Mapping[str, Any], condition: ConditionBase
    ) -> Transaction:
        """Require a condition on another item without writing it."""
        self._add("ConditionCheck", {"TableName": table, "Key": encode_item(key)}, condition)
        return self

    def require_absent(self, table: str, key: Mapping[str, Any]) -> Transaction:
        """A uniqueness guard: the item (e.g. an e-mail claim) must not exist yet."""
        hash_key = table_def(table).hash_key
        return self.condition_check(table, key, Attr(hash_key).not_exists())

    def commit(self, *, token: str | None = None) -> None:
        """Write everything or nothing; `token` makes a retried commit idempotent (10 min)."""
        if not self._actions:
            return
        request: dict[str, Any] = {"TransactItems": self._actions}
        if token:
            request["ClientRequestToken"] = token
        try:
            self._client.transact_write_items(**request)
        except DomainError:
            if self._offloader is not None:
                self._offloader.discard(self._uploaded)
            raise
        else:
            if self._offloader is not None:
                self._offloader.discard(self._replaced)
        finally:
            self._actions, self._uploaded, self._replaced = [], [], []
