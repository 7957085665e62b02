"""Organisations in `organization-data` and memberships in `organization-memberships`."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from adapters.dynamodb.identity.keys import membership_index_keys, membership_key, org_key
from adapters.dynamodb.staged import StagedRepository
from domains.identity.model import Membership, Organization
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = "the {} changed since it was read"


class DynamoOrganizationRepository(StagedRepository[Organization]):
    table = "organization-data"

    def to_item(self, entity: Organization) -> dict[str, Any]:
        return {
            **org_key(entity.id),
            "id": entity.id,
            "name": entity.name,
            "description": entity.description,
            "created_by": entity.created_by,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }

    def from_item(self, item: dict[str, Any]) -> Organization:
        return Organization(
            id=item["id"],
            name=item["name"],
            description=item.get("description", ""),
            created_by=item["created_by"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            member_count=item.get("member_count", 0),
            version=item.get("version", 0),
        )

    def get(self, org_id: str) -> Organization | None:
        return self._get(org_key(org_id))

    def get_many(self, org_ids: list[str]) -> list[Organization]:
        return self._batch_get([org_key(i) for i in org_ids])

    def add(self, org: Organization) -> None:
        item = {**self.to_item(org), "member_count": org.member_count}
        self._stage_insert(item, on_condition=Conflict("organisation exists"))

    def save(self, org: Organization) -> None:
        # An update, not a put: member_count is kept by ADD and must survive.
        changes = {k: v for k, v in self.to_item(org).items() if k not in ("pk", "sk")}
        self._stage_update(
            org_key(org.id),
            set=changes,
            version=org.version,
            on_condition=PreconditionFailed(STALE.format("organisation")),
        )


class DynamoMembershipRepository(StagedRepository[Membership]):
    table = "organization-memberships"

    def to_item(self, entity: Membership) -> dict[str, Any]:
        return {
            **membership_key(entity.org_id, entity.user_id),
            **membership_index_keys(entity.org_id, entity.user_id, entity.role),
            "org_id": entity.org_id,
            "user_id": entity.user_id,
            "role": entity.role,
            "joined_at": entity.joined_at,
        }

    def from_item(self, item: dict[str, Any]) -> Membership:
        return Membership(
            item["org_id"], item["user_id"], item["role"], item["joined_at"], item.get("version", 0)
        )

    def get(self, org_id: str, user_id: str) -> Membership | None:
        return self._get(membership_key(org_id, user_id))

    def list_members(self, org_id: str, page: PageRequest) -> Page[Membership]:
        condition = Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("MEMBER#")
        return self._query_page(condition, page=page)

    def list_for_user(self, user_id: str, page: PageRequest) -> Page[Membership]:
        return self._query_page(Key("gsi1pk").eq(f"USER#{user_id}"), index="gsi1", page=page)

    def owners(self, org_id: str) -> list[Membership]:
        page = self._query_page(
            Key("gsi2pk").eq(f"ORG#{org_id}#ROLE#owner"), index="gsi2", page=PageRequest(limit=100)
        )
        return list(page.items)

    def add(self, membership: Membership, *, count: bool = True) -> None:
        self._stage_insert(self.to_item(membership), on_condition=Conflict("already a member"))
        if count:
            self._count(membership.org_id, +1)

    def save(self, membership: Membership) -> None:
        self._stage_replace(
            self.to_item(membership),
            version=membership.version,
            on_condition=PreconditionFailed(STALE.format("membership")),
        )

    def remove(self, membership: Membership) -> None:
        key = membership_key(membership.org_id, membership.user_id)
        self._stage_delete(
            key,
            version=membership.version,
            on_condition=PreconditionFailed(STALE.format("membership")),
        )
        self._count(membership.org_id, -1)

    def _count(self, org_id: str, delta: int) -> None:
        self._uow.stage(
            lambda tx: tx.update(
                "organization-data",
                org_key(org_id),
                add={"member_count": delta},
                condition=Attr("pk").exists(),
            ),
        )
