"""StagedRepository: a repository inside a unit of work.

Reads go straight to the table; writes are staged into the unit of work's transaction, each
with the domain error its condition failing means. Every context's repositories build on it,
so the three write shapes (insert, versioned replace or update, versioned delete) are
written once.

An item read with attributes offloaded to S3 remembers their objects: replacing or deleting
that item (at the version read) deletes the objects it no longer points to once the
transaction commits, so re-saving a large flow leaves no orphan behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase

from adapters.dynamodb.offload import pointer_uris
from adapters.dynamodb.repository import DynamoRepository
from adapters.dynamodb.uow import DynamoUnitOfWork
from domains.shared.errors import DomainError

E = TypeVar("E")


class StagedRepository(DynamoRepository[E]):
    def __init__(self, uow: DynamoUnitOfWork, **kwargs: Any) -> None:
        super().__init__(uow.client, **kwargs)
        self._uow = uow
        self._objects_read: dict[tuple[str, ...], set[str]] = {}

    def _entity(self, item: Mapping[str, Any] | None) -> E | None:
        if item and (uris := pointer_uris(item)):
            self._objects_read[self._identity(item)] = uris
        return super()._entity(item)

    def _objects_of(self, values: Mapping[str, Any]) -> set[str]:
        """The offloaded objects of the item with these key values, if it was read here."""
        return self._objects_read.pop(self._identity(self._key(values)), set())

    def _stage_insert(self, item: Mapping[str, Any], *, on_condition: DomainError) -> None:
        """Put a new item at version 1; `on_condition` if the key is taken."""
        self._uow.stage(
            lambda tx: tx.put(self.table, item, versioned=True, expected_version=None),
            on_condition=on_condition,
        )

    def _stage_replace(
        self, item: Mapping[str, Any], *, version: int, on_condition: DomainError
    ) -> None:
        """Put the whole item over `version` (attributes left out are removed)."""
        old = self._objects_of(item)
        self._uow.stage(
            lambda tx: tx.put(
                self.table, item, versioned=True, expected_version=version, replaces=old
            ),
            on_condition=on_condition,
        )

    def _stage_update(
        self,
        key: Mapping[str, Any],
        *,
        version: int,
        on_condition: DomainError,
        set: Mapping[str, Any] | None = None,
        remove: Iterable[str] = (),
        condition: ConditionBase | None = None,
    ) -> None:
        """Change some attributes of `version` (the others, counters among them, stay)."""
        self._uow.stage(
            lambda tx: tx.update(
                self.table,
                key,
                set=set,
                remove=remove,
                condition=condition,
                versioned=True,
                expected_version=version,
            ),
            on_condition=on_condition,
        )

    def _stage_delete(
        self, key: Mapping[str, Any], *, version: int, on_condition: DomainError
    ) -> None:
        old = self._objects_of(key)
        self._uow.stage(
            lambda tx: tx.delete(
                self.table, key, condition=Attr("version").eq(version), replaces=old
            ),
            on_condition=on_condition,
        )
