"""Users in `user-profiles`, with an e-mail claim item making addresses unique."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import email_key, user_key
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Preferences, User
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = "the user changed since it was read"


class DynamoUserRepository(StagedRepository[User]):
    table = "user-profiles"

    def to_item(self, entity: User) -> dict[str, Any]:
        item = {
            **user_key(entity.id),
            "id": entity.id,
            "email": entity.email,
            "display_name": entity.display_name,
            "password_hash": entity.password_hash,
            "is_staff": entity.is_staff,
            "is_active": entity.is_active,
            "preferences": {k: v for k, v in asdict(entity.preferences).items() if v is not None},
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }
        if entity.is_staff:
            item |= {"gsi1pk": "STAFF", "gsi1sk": f"{isoformat(entity.created_at)}#{entity.id}"}
        return item

    def from_item(self, item: dict[str, Any]) -> User:
        return User(
            id=item["id"],
            email=item["email"],
            display_name=item["display_name"],
            password_hash=item["password_hash"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            is_staff=item.get("is_staff", False),
            is_active=item.get("is_active", True),
            preferences=Preferences(**item.get("preferences", {})),
            version=item.get("version", 0),
        )

    def get(self, user_id: str) -> User | None:
        return self._get(user_key(user_id))

    def get_by_email(self, email: str) -> User | None:
        claim = self._client.get_item(
            self.table, Key={"pk": {"S": email_key(email)["pk"]}, "sk": {"S": "UNIQUE"}}
        )
        if "Item" not in claim:
            return None
        return self.get(claim["Item"]["user_id"]["S"])

    def list_staff(self, page: PageRequest) -> Page[User]:
        return self._query_page(Key("gsi1pk").eq("STAFF"), index="gsi1", page=page)

    def add(self, user: User) -> None:
        claim = {**email_key(user.email), "user_id": user.id}
        self._uow.stage(
            lambda tx: tx.put(self.table, claim, condition=Attr("pk").not_exists()),
            on_condition=Conflict("an account with this e-mail exists"),
        )
        self._stage_insert(self.to_item(user), on_condition=Conflict("user exists"))

    def save(self, user: User) -> None:
        self._stage_replace(
            self.to_item(user),
            version=user.version,
            on_condition=PreconditionFailed(STALE),
        )

    def remove(self, user: User) -> None:
        """Two deletes: the profile at its version, and the e-mail claim unless it is
        someone else's (a claim is never released for another user; a missing one is no
        reason to keep the profile)."""
        claim = email_key(user.email)
        mine = Attr("pk").not_exists() | Attr("user_id").eq(user.id)
        self._uow.stage(
            lambda tx: tx.delete(self.table, claim, condition=mine),
            on_condition=PreconditionFailed(STALE),
        )
        self._stage_delete(
            user_key(user.id), version=user.version, on_condition=PreconditionFailed(STALE)
        )
