"""DynamoRepository: the base every DynamoDB repository builds on (template methods over items).

Subclasses declare `table = "<logical name>"` and map entities with `to_item` / `from_item`;
their public methods (the port) call the protected helpers here, which handle the codec,
offloading to S3, optimistic locking, signed cursors and TTL filtering.

DynamoDB keeps returning items whose TTL has passed until it deletes them, up to days later,
so every read drops items whose `expires_at` (epoch seconds; the table's TTL attribute when
the catalog names one) is in the past.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase

from adapters.dynamodb.catalog import TableDef, table_def
from adapters.dynamodb.client import DynamoClient
from adapters.dynamodb.codec import TTL_ATTRIBUTE, decode_item, encode_item, encode_value
from adapters.dynamodb.cursor import CursorSigner, start_key_from
from adapters.dynamodb.expressions import VERSION, Expressions, next_version, version_condition
from adapters.dynamodb.offload import Offloader, pointer_uris
from adapters.dynamodb.reading import (
    BATCH_GET_LIMIT,
    batch_get_chunk,
    collect,
    query_request,
    query_scope,
    scan_request,
)
from adapters.dynamodb.transaction import Transaction, protected_attributes
from domains.shared.clock import Clock, SystemClock
from domains.shared.errors import Conflict, DomainError, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

E = TypeVar("E")
Wire = dict[str, Any]


class DynamoRepository(Generic[E]):
    table: ClassVar[str]

    def __init__(
        self,
        client: DynamoClient,
        *,
        cursors: CursorSigner,
        offloader: Offloader | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._cursors = cursors
        self._offloader = offloader
        self._clock = clock or SystemClock()
        self._sleep = sleep

    # -- the template methods ------------------------------------------------------------------

    def to_item(self, entity: E) -> dict[str, Any]:
        raise NotImplementedError

    def from_item(self, item: dict[str, Any]) -> E:
        raise NotImplementedError

    # -- item plumbing -------------------------------------------------------------------------

    @property
    def definition(self) -> TableDef:
        return table_def(self.table)

    def _key(self, values: Mapping[str, Any]) -> Wire:
        names = (self.definition.hash_key, self.definition.range_key)
        return encode_item({name: values[name] for name in names})

    def _identity(self, item: Mapping[str, Any]) -> tuple[str, ...]:
        names = (self.definition.hash_key, self.definition.range_key)
        return tuple(json.dumps(item[name], sort_keys=True) for name in names)

    def _expired(self, item: Mapping[str, Any]) -> bool:
        raw = item.get(self.definition.ttl_attribute or TTL_ATTRIBUTE, {}).get("N")
        return raw is not None and float(raw) <= self._clock.now().timestamp()

    def _entity(self, item: Mapping[str, Any] | None) -> E | None:
        if not item or self._expired(item):
            return None
        if self._offloader is not None:
            item = self._offloader.resolve(item)
        return self.from_item(decode_item(item))

    def _prepare(self, values: Mapping[str, Any]) -> tuple[Wire, list[str]]:
        """Encode, then offload large attributes; returns the item and the objects uploaded."""
        wire = encode_item(values)
        if self._offloader is None:
            return wire, []
        return self._offloader.offload(self.table, wire, protected=protected_attributes(self.table))

    def _written(self, uploaded: list[str], call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run a write; if it fails, delete the objects uploaded for it (best effort)."""
        try:
            return call()
        except DomainError:
            if self._offloader is not None:
                self._offloader.discard(uploaded)
            raise

    def _discard_replaced(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if self._offloader is not None and old:
            self._offloader.discard(pointer_uris(old) - pointer_uris(new))

    def _transaction(self) -> Transaction:
        return Transaction(self._client, offloader=self._offloader)

    # -- reads ---------------------------------------------------------------------------------

    def _get(self, key: Mapping[str, Any], *, consistent: bool = False) -> E | None:
        response = self._client.get_item(self.table, Key=self._key(key), ConsistentRead=consistent)
        return self._entity(response.get("Item"))

    def _batch_get(self, keys: Sequence[Mapping[str, Any]]) -> list[E]:
        """Entities in the order of `keys`; missing or expired ones are skipped.

        BatchGetItem takes at most 100 keys and may leave some unprocessed under load; those
        are retried with exponential backoff and jitter (Throttled if they never go through).
        """
        wanted = {self._identity(k): k for k in (self._key(key) for key in keys)}
        pending = list(wanted.values())
        found: dict[tuple[str, ...], Wire] = {}
        for start in range(0, len(pending), BATCH_GET_LIMIT):
            chunk = pending[start : start + BATCH_GET_LIMIT]
            for item in batch_get_chunk(self._client, self.table, chunk, sleep=self._sleep):
                found[self._identity(item)] = item
        entities = (self._entity(found.get(ident)) for ident in wanted)
        return [entity for entity in entities if entity is not None]

    def _query_page(
        self,
        key_condition: ConditionBase,
        *,
        page: PageRequest,
        index: str | None = None,
        scan_forward: bool = True,
        filter: ConditionBase | None = None,
        consistent: bool = False,
    ) -> Page[E]:
        """One page of a Query, with a signed cursor rebuilt from the last item returned.

        It asks for one item more than the page, so a page that ends exactly at the end of
        the results has no cursor, and keeps querying while a filter (or TTL) drops items.
        """
        request = query_request(
            key_condition,
            index=index,
            scan_forward=scan_forward,
            filter=filter,
            consistent=consistent,
        )
        return self._page(request, page, index)

    def _scan_page(self, *, page: PageRequest, filter: ConditionBase | None = None) -> Page[E]:
        """One page of a Scan: for admin browsing and jobs only, never for an API request."""
        return self._page(scan_request(filter, consistent=False), page, None, scan=True)

    def _page(
        self, request: dict[str, Any], page: PageRequest, index: str | None, *, scan: bool = False
    ) -> Page[E]:
        scope = query_scope(self.table, request)
        start = self._cursors.decode(page.cursor, scope) if page.cursor else None
        kept = collect(
            self._client,
            self.table,
            request,
            start=start,
            wanted=page.limit + 1,
            keep=lambda item: not self._expired(item),
            scan=scan,
        )
        cursor = None
        if len(kept) > page.limit:
            kept = kept[: page.limit]
            cursor = self._cursors.encode(start_key_from(kept[-1], self._key_names(index)), scope)
        entities = (self._entity(item) for item in kept)
        return Page([e for e in entities if e is not None], cursor)

    def _key_names(self, index: str | None) -> list[str]:
        names = [self.definition.hash_key, self.definition.range_key]
        for definition in self.definition.indexes:
            if definition.name == index:
                names += [definition.hash_key, definition.range_key]
        return names

    # -- writes --------------------------------------------------------------------------------

    def _put_new(self, item: Mapping[str, Any], *, versioned: bool = False) -> None:
        """Create an item that must not exist yet (Conflict otherwise)."""
        values = {**item, VERSION: 1} if versioned else dict(item)
        wire, uploaded = self._prepare(values)
        expressions = Expressions()
        condition = expressions.condition(Attr(self.definition.hash_key).not_exists())
        self._written(
            uploaded,
            lambda: self._client.put_item(
                self.table,
                Item=wire,
                ConditionExpression=condition,
                on_condition=Conflict,
                **expressions.params(),
            ),
        )

    def _put_versioned(self, item: Mapping[str, Any], expected_version: int | None) -> int:
        """Replace a whole item if its version is still `expected_version`; the new version."""
        version = next_version(expected_version)
        wire, uploaded = self._prepare({**item, VERSION: version})
        expressions = Expressions()
        condition = expressions.condition(version_condition(expected_version))
        response = self._written(
            uploaded,
            lambda: self._client.put_item(
                self.table,
                Item=wire,
                ConditionExpression=condition,
                ReturnValues="ALL_OLD",
                on_condition=PreconditionFailed,
                **expressions.params(),
            ),
        )
        self._discard_replaced(response.get("Attributes", {}), wire)
        return version

    def _update_versioned(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expected_version: int | None
    ) -> E:
        """SET (None: REMOVE) attributes if the version is still `expected_version`.

        Large values are offloaded judged on the changes alone; the whole item's size is
        DynamoDB's to check (PayloadTooLarge). Returns the entity as stored (ALL_NEW).
        """
        version = next_version(expected_version)
        wire, uploaded = self._prepare({**changes, VERSION: version})
        removed = [name for name in changes if name not in wire]
        expressions = Expressions()
        update = expressions.update(set_=wire, remove=removed)
        condition = expressions.condition(version_condition(expected_version))
        response = self._written(
            uploaded,
            lambda: self._client.update_item(
                self.table,
                Key=self._key(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                ReturnValues="ALL_NEW",
                on_condition=PreconditionFailed,
                **expressions.params(),
            ),
        )
        entity = self._entity(response["Attributes"])
        if entity is None:
            raise PreconditionFailed(f"{self.table} item has expired")
        return entity

    def _add_counters(self, key: Mapping[str, Any], amounts: Mapping[str, int]) -> None:
        """ADD to numeric attributes atomically (never read-modify-write); creates if absent."""
        expressions = Expressions()
        wire = {name: encode_value(amount) for name, amount in amounts.items()}
        update = expressions.update(add=wire)
        self._client.update_item(
            self.table, Key=self._key(key), UpdateExpression=update, **expressions.params()
        )

    def _set_if_present(self, key: Mapping[str, Any], changes: Mapping[str, Any]) -> bool:
        """SET bookkeeping attributes (a last-activity time) of an item if it is still there,
        leaving its version alone: bookkeeping is not an edit and must not make a reader's
        If-Match stale. False when the item is gone."""
        expressions = Expressions()
        update = expressions.update(set_=encode_item(changes))
        condition = expressions.condition(Attr(self.definition.hash_key).exists())
        try:
            self._client.update_item(
                self.table,
                Key=self._key(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                on_condition=PreconditionFailed,
                **expressions.params(),
            )
        except PreconditionFailed:
            return False
        return True

    def entity(self, item: Mapping[str, Any] | None) -> E | None:
        """An entity from a raw item read elsewhere (a multi-table batch), like a read here."""
        return self._entity(item)

    def _delete(self, key: Mapping[str, Any], expected_version: int | None = None) -> bool:
        """Delete an item (if its version matches, when given); True if there was one."""
        expressions = Expressions()
        request: dict[str, Any] = {"Key": self._key(key), "ReturnValues": "ALL_OLD"}
        if expected_version is not None:
            request["ConditionExpression"] = expressions.condition(
                version_condition(expected_version)
            )
        response = self._client.delete_item(
            self.table, on_condition=PreconditionFailed, **request, **expressions.params()
        )
        old = response.get("Attributes", {})
        self._discard_replaced(old, {})
        return bool(old)
