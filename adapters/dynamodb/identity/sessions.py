"""Refresh-token sessions in `user-sessions` (TTL `expires_at`), rotated in a transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import session_key
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Session
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict
from domains.shared.pagination import PageRequest


class DynamoSessionRepository(StagedRepository[Session]):
    table = "user-sessions"

    def to_item(self, entity: Session) -> dict[str, Any]:
        created = isoformat(entity.created_at)
        return {
            **session_key(entity.id),
            "gsi1pk": f"USER#{entity.user_id}",
            "gsi1sk": f"{created}#{entity.id}",
            "gsi2pk": f"FAMILY#{entity.family_id}",
            "gsi2sk": f"{created}#{entity.id}",
            "id": entity.id,
            "user_id": entity.user_id,
            "family_id": entity.family_id,
            "secret_hash": entity.secret_hash,
            "created_at": entity.created_at,
            "expires_at": int(entity.expires_at.timestamp()),
            "user_agent": entity.user_agent,
            "ip": entity.ip,
            "replaced_by": entity.replaced_by,
            "revoked_at": entity.revoked_at,
        }

    def from_item(self, item: dict[str, Any]) -> Session:
        return Session(
            id=item["id"],
            user_id=item["user_id"],
            family_id=item["family_id"],
            secret_hash=item["secret_hash"],
            created_at=item["created_at"],
            expires_at=datetime.fromtimestamp(item["expires_at"], UTC),
            user_agent=item.get("user_agent", ""),
            ip=item.get("ip", ""),
            replaced_by=item.get("replaced_by"),
            revoked_at=item.get("revoked_at"),
        )

    def get(self, session_id: str) -> Session | None:
        return self._get(session_key(session_id), consistent=True)

    def list_for_user(self, user_id: str) -> list[Session]:
        return self._all(Key("gsi1pk").eq(f"USER#{user_id}"), "gsi1")

    def list_family(self, family_id: str) -> list[Session]:
        return self._all(Key("gsi2pk").eq(f"FAMILY#{family_id}"), "gsi2")

    def _all(self, condition: Any, index: str) -> list[Session]:
        found: list[Session] = []
        cursor = None
        while True:
            page = self._query_page(
                condition, index=index, page=PageRequest(100, cursor), scan_forward=False
            )
            found += page.items
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor

    def add(self, session: Session) -> None:
        self._uow.stage(
            lambda tx: tx.put(self.table, self.to_item(session), condition=Attr("pk").not_exists())
        )

    def replace(self, old: Session, new: Session) -> None:
        self._uow.stage(
            lambda tx: tx.update(
                self.table,
                session_key(old.id),
                set={"replaced_by": new.id},
                condition=Attr("replaced_by").not_exists() & Attr("revoked_at").not_exists(),
            ),
            on_condition=Conflict("refresh token already used"),
        )
        self.add(new)

    def revoke(self, session: Session, at: datetime) -> None:
        self._uow.stage(
            lambda tx: tx.update(self.table, session_key(session.id), set={"revoked_at": at})
        )
