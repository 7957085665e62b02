"""A tiny concrete repository over the real `projects` table, to drive the base class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.repository import DynamoRepository
from adapters.dynamodb.transaction import Transaction
from domains.shared.pagination import Page, PageRequest

Record = dict[str, Any]


def project_key(org: str, project_id: str) -> dict[str, str]:
    return {"pk": org, "sk": f"PROJECT#{project_id}"}


class ProjectRecords(DynamoRepository[Record]):
    """Entities are plain dicts here: the suite tests the base class, not a mapping."""

    table = "projects"

    def to_item(self, entity: Record) -> dict[str, Any]:
        return dict(entity)

    def from_item(self, item: dict[str, Any]) -> Record:
        return item

    def get(self, key: Mapping[str, Any]) -> Record | None:
        return self._get(key, consistent=True)

    def get_many(self, keys: Sequence[Mapping[str, Any]]) -> list[Record]:
        return self._batch_get(keys)

    def create(self, record: Record, *, versioned: bool = True) -> None:
        self._put_new(self.to_item(record), versioned=versioned)

    def replace(self, record: Record, expected_version: int | None) -> int:
        return self._put_versioned(self.to_item(record), expected_version)

    def change(self, key: Mapping[str, Any], changes: Mapping[str, Any], version: int) -> Record:
        return self._update_versioned(key, changes, version)

    def remove(self, key: Mapping[str, Any], expected_version: int | None = None) -> bool:
        return self._delete(key, expected_version)

    def bump(self, key: Mapping[str, Any], **amounts: int) -> None:
        self._add_counters(key, amounts)

    def list_in(self, org: str, page: PageRequest, *, status: str | None = None) -> Page[Record]:
        condition = Attr("status").eq(status) if status else None
        return self._query_page(Key("pk").eq(org), page=page, filter=condition)

    def list_workspace(self, workspace_key: str, page: PageRequest) -> Page[Record]:
        return self._query_page(
            Key("gsi1pk").eq(workspace_key), page=page, index="gsi1", scan_forward=False
        )

    def browse(self, org: str, page: PageRequest) -> Page[Record]:
        return self._scan_page(page=page, filter=Attr("pk").eq(org))

    def client_item(self, key: Mapping[str, Any]) -> dict[str, Any]:
        """The raw stored item, pointers and all (to look behind the offloading)."""
        return self._client.get_item(self.table, Key=self._key(key))["Item"]

    def transaction(self) -> Transaction:
        return self._transaction()
