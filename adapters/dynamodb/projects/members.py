"""Memberships in `workspace-memberships` and `project-memberships` (one shape, two tables).

Each membership carries its user's last activity (gsi1: my memberships by recent activity)
and, when pinned, the sparse gsi2 keys. Adding or removing one ADDs to the resource's member
count and to the user's count item (`ORG#<org>#USER#<user>` / `STATS`) in its transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from adapters.dynamodb.projects.keys import (
    member_activity_keys,
    member_key,
    member_partition,
    member_pin_keys,
    pinned_partition,
    project_key,
    user_partition,
    user_stats_key,
    workspace_key,
)
from adapters.dynamodb.staged import StagedRepository
from domains.projects.model import Member
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest

STALE = PreconditionFailed("the membership changed since it was read")
PURGE_CHUNK = 45  # two actions a member (delete, count) under the 100-action limit


class DynamoMemberRepository(StagedRepository[Member]):
    scope: ClassVar[str]
    resource_table: ClassVar[str]

    def _resource_key(self, org_id: str, resource_id: str) -> dict[str, str]:
        raise NotImplementedError

    def to_item(self, entity: Member) -> dict[str, Any]:
        return {
            **member_key(entity.org_id, self.scope, entity.resource_id, entity.user_id),
            **member_activity_keys(
                entity.org_id, entity.user_id, entity.last_activity_at, entity.resource_id
            ),
            **member_pin_keys(entity.org_id, entity.user_id, entity.pinned_at, entity.resource_id),
            "org_id": entity.org_id,
            "resource_id": entity.resource_id,
            "user_id": entity.user_id,
            "role": entity.role,
            "joined_at": entity.joined_at,
            "last_activity_at": entity.last_activity_at,
            "pinned_at": entity.pinned_at,
        }

    def from_item(self, item: dict[str, Any]) -> Member:
        return Member(
            org_id=item["org_id"],
            scope=self.scope,
            resource_id=item["resource_id"],
            user_id=item["user_id"],
            role=item["role"],
            joined_at=item["joined_at"],
            last_activity_at=item["last_activity_at"],
            pinned_at=item.get("pinned_at"),
            version=item.get("version", 0),
        )

    def get(self, org_id: str, resource_id: str, user_id: str) -> Member | None:
        return self._get(member_key(org_id, self.scope, resource_id, user_id))

    def list_members(self, org_id: str, resource_id: str, page: PageRequest) -> Page[Member]:
        return self._query_page(self._members_of(org_id, resource_id), page=page)

    def _members_of(self, org_id: str, resource_id: str) -> ConditionBase:
        partition = member_partition(org_id, self.scope, resource_id)
        return Key("pk").eq(partition) & Key("sk").begins_with("MEMBER#")

    def list_for_user(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        partition = Key("gsi1pk").eq(user_partition(org_id, user_id))
        return self._query_page(partition, index="gsi1", page=page, scan_forward=False)

    def list_pinned(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        partition = Key("gsi2pk").eq(pinned_partition(org_id, user_id))
        return self._query_page(partition, index="gsi2", page=page, scan_forward=False)

    def add(self, member: Member, *, count: bool = True) -> None:
        self._stage_insert(self.to_item(member), on_condition=Conflict("already a member"))
        self._count_user(member.org_id, member.user_id, +1)
        if count:
            self._count_resource(member, +1)

    def save(self, member: Member) -> None:
        changes = {k: v for k, v in self.to_item(member).items() if k not in ("pk", "sk")}
        # the last activity is bookkeeping written apart (touch): a save must not undo it
        for name in ("last_activity_at", "gsi1sk"):
            changes.pop(name)
        self._stage_update(
            member_key(member.org_id, self.scope, member.resource_id, member.user_id),
            set=changes,
            version=member.version,
            on_condition=STALE,
        )

    def remove(self, member: Member) -> None:
        key = member_key(member.org_id, self.scope, member.resource_id, member.user_id)
        self._stage_delete(key, version=member.version, on_condition=STALE)
        self._count_user(member.org_id, member.user_id, -1)
        self._count_resource(member, -1)

    def touch(self, member: Member, at: datetime) -> None:
        key = member_key(member.org_id, self.scope, member.resource_id, member.user_id)
        stamp = {"last_activity_at": at, "gsi1sk": f"{isoformat(at)}#{member.resource_id}"}
        self._set_if_present(key, stamp)

    def purge(self, org_id: str, resource_id: str) -> None:
        # Consistent reads: an eventually consistent Query may list again a member the last
        # chunk deleted, and ADD -1 to their count a second time.
        where, chunk = self._members_of(org_id, resource_id), PageRequest(PURGE_CHUNK)
        while True:
            members = self._query_page(where, page=chunk, consistent=True).items
            if not members:
                return
            tx = self._transaction()
            for m in members:
                tx.delete(self.table, member_key(org_id, self.scope, resource_id, m.user_id))
                tx.update(self.table, user_stats_key(org_id, m.user_id), add={"count": -1})
            tx.commit()

    def _count_user(self, org_id: str, user_id: str, delta: int) -> None:
        key = user_stats_key(org_id, user_id)
        self._uow.stage(lambda tx: tx.update(self.table, key, add={"count": delta}))

    def _count_resource(self, member: Member, delta: int) -> None:
        key = self._resource_key(member.org_id, member.resource_id)
        self._uow.stage(
            lambda tx: tx.update(
                self.resource_table,
                key,
                add={"member_count": delta},
                condition=Attr("pk").exists(),
            ),
            on_condition=Conflict(f"the {self.scope} is gone"),
        )


class DynamoWorkspaceMemberRepository(DynamoMemberRepository):
    table = "workspace-memberships"
    scope = "workspace"
    resource_table = "workspaces"

    def _resource_key(self, org_id: str, resource_id: str) -> dict[str, str]:
        return workspace_key(org_id, resource_id)


class DynamoProjectMemberRepository(DynamoMemberRepository):
    table = "project-memberships"
    scope = "project"
    resource_table = "projects"

    def _resource_key(self, org_id: str, resource_id: str) -> dict[str, str]:
        return project_key(org_id, resource_id)
