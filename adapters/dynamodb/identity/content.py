"""Upload records in `user-content-metadata` (TTL `expires_at` while pending).

Keys: `pk = ORG#<org>`, `sk = CONTENT#<id>`; gsi1 lists one owner's uploads,
`gsi1pk = ORG#<org>#OWNER#<user>`, `gsi1sk = <created_at>#<id>`. ULIDs sort by creation
time, so the table's own sort key already lists an organisation's content in order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from adapters.dynamodb.identity.keys import content_key, content_owner_keys
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Content
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = "the content changed since it was read"


class DynamoContentRepository(StagedRepository[Content]):
    table = "user-content-metadata"

    def to_item(self, entity: Content) -> dict[str, Any]:
        expires = int(entity.expires_at.timestamp()) if entity.expires_at else None
        return {
            **content_key(entity.org_id, entity.id),
            **content_owner_keys(
                entity.org_id, entity.owner_id, isoformat(entity.created_at), entity.id
            ),
            "id": entity.id,
            "org_id": entity.org_id,
            "owner_id": entity.owner_id,
            "filename": entity.filename,
            "content_type": entity.content_type,
            "size": entity.size,
            "s3_key": entity.s3_key,
            "status": entity.status,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
            "confirmed_at": entity.confirmed_at,
            "expires_at": expires,
        }

    def from_item(self, item: dict[str, Any]) -> Content:
        expires = item.get("expires_at")
        return Content(
            id=item["id"],
            org_id=item["org_id"],
            owner_id=item["owner_id"],
            filename=item["filename"],
            content_type=item["content_type"],
            size=int(item["size"]),
            s3_key=item["s3_key"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            status=item.get("status", "pending"),
            expires_at=datetime.fromtimestamp(int(expires), UTC) if expires else None,
            confirmed_at=item.get("confirmed_at"),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, content_id: str) -> Content | None:
        return self._get(content_key(org_id, content_id), consistent=True)

    def list_org(self, org_id: str, page: PageRequest) -> Page[Content]:
        condition = Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("CONTENT#")
        return self._query_page(condition, page=page, scan_forward=False)

    def list_owner(self, org_id: str, owner_id: str, page: PageRequest) -> Page[Content]:
        condition = Key("gsi1pk").eq(f"ORG#{org_id}#OWNER#{owner_id}")
        return self._query_page(condition, index="gsi1", page=page, scan_forward=False)

    def add(self, content: Content) -> None:
        self._stage_insert(self.to_item(content), on_condition=Conflict("content exists"))

    def save(self, content: Content) -> None:
        # A whole-item put: an absent `expires_at` (None) removes the TTL of a confirmed upload.
        self._stage_replace(
            self.to_item(content), version=content.version, on_condition=PreconditionFailed(STALE)
        )

    def remove(self, content: Content) -> None:
        key = content_key(content.org_id, content.id)
        self._stage_delete(key, version=content.version, on_condition=PreconditionFailed(STALE))
