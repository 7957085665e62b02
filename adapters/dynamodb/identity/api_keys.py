"""API keys in `organization-data`, beside their organisation: `ORG#<org>` / `APIKEY#<id>`.

A key's token names its organisation and id, so authenticating it is one GetItem and no
index. `expires_at` is the table's TTL attribute (epoch seconds): an expired key reads as
absent at once, and DynamoDB deletes it later. A key without expiry has none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import api_key_key
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import ApiKey
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest


class DynamoApiKeyRepository(StagedRepository[ApiKey]):
    table = "organization-data"

    def to_item(self, entity: ApiKey) -> dict[str, Any]:
        expires = entity.expires_at
        return {
            **api_key_key(entity.org_id, entity.id),
            "id": entity.id,
            "org_id": entity.org_id,
            "name": entity.name,
            "permissions": set(entity.permissions),
            "secret_hash": entity.secret_hash,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "expires_at": int(expires.timestamp()) if expires else None,
            "revoked_at": entity.revoked_at,
        }

    def from_item(self, item: dict[str, Any]) -> ApiKey:
        expires = item.get("expires_at")
        return ApiKey(
            id=item["id"],
            org_id=item["org_id"],
            name=item["name"],
            permissions=frozenset(item.get("permissions", ())),
            secret_hash=item["secret_hash"],
            created_by=item["created_by"],
            created_at=item["created_at"],
            expires_at=datetime.fromtimestamp(expires, UTC) if expires is not None else None,
            revoked_at=item.get("revoked_at"),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, key_id: str) -> ApiKey | None:
        return self._get(api_key_key(org_id, key_id), consistent=True)

    def list_for_org(self, org_id: str, page: PageRequest) -> Page[ApiKey]:
        condition = Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("APIKEY#")
        return self._query_page(condition, page=page, scan_forward=False)

    def usable_created_by(self, org_id: str, user_id: str, *, now: datetime) -> list[ApiKey]:
        condition = Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("APIKEY#")
        mine = Attr("created_by").eq(user_id) & Attr("revoked_at").not_exists()
        keys, cursor = [], None
        while True:
            page = self._query_page(
                condition, page=PageRequest(limit=100, cursor=cursor), filter=mine, consistent=True
            )
            keys += [k for k in page.items if k.usable(now)]
            if page.next_cursor is None:
                return keys
            cursor = page.next_cursor

    def add(self, key: ApiKey) -> None:
        self._stage_insert(self.to_item(key), on_condition=Conflict("API key exists"))

    def revoke(self, key: ApiKey, at: datetime) -> None:
        self._stage_update(
            api_key_key(key.org_id, key.id),
            set={"revoked_at": at},
            version=key.version,
            on_condition=PreconditionFailed("the API key changed since it was read"),
        )
