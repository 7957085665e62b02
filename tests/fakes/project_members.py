"""In-memory fake of the membership repositories of workspaces and projects (one per scope).

Adding and removing keep the resource's member count and the user's membership count of the
scope in the same transaction; touch and purge write at once, outside any transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.projects.model import Member
from domains.shared.clock import isoformat
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import SortKey, newest_first, page_of
from tests.fakes.staged import FakeRepository, bumped

STALE = PreconditionFailed("the membership changed since it was read")


def stamp(at: datetime, item_id: str) -> SortKey:
    """The sort key of the store's activity, update and pin indexes (ISO to the millisecond,
    then the id)."""
    return isoformat(at), item_id


class InMemoryMembers(FakeRepository):
    """Memberships in `store.members` by (scope, org, resource, user)."""

    def __init__(self, uow: Any, scope: str) -> None:
        super().__init__(uow)
        self.scope = scope
        self.table = f"{scope}-memberships"

    def _key(self, org_id: str, resource_id: str, user_id: str) -> tuple[str, str, str, str]:
        return self.scope, org_id, resource_id, user_id

    def _ours(self, org_id: str) -> list[Member]:
        return [m for (s, o, _, _), m in self._s.members.items() if (s, o) == (self.scope, org_id)]

    def get(self, org_id: str, resource_id: str, user_id: str) -> Member | None:
        found: Member | None = self._s.members.get(self._key(org_id, resource_id, user_id))
        return found

    def list_members(self, org_id: str, resource_id: str, page: PageRequest) -> Page[Member]:
        members = sorted(
            (m for m in self._ours(org_id) if m.resource_id == resource_id),
            key=lambda m: m.user_id,
        )
        scope = (self.table, org_id, resource_id)
        return page_of(members, page, scope=scope, key=lambda m: (m.user_id,))

    def list_for_user(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        mine = [m for m in self._ours(org_id) if m.user_id == user_id]
        return newest_first(
            mine,
            page,
            scope=(self.table, "activity", org_id, user_id),
            key=lambda m: stamp(m.last_activity_at, m.resource_id),
        )

    def list_pinned(self, org_id: str, user_id: str, page: PageRequest) -> Page[Member]:
        pinned = [m for m in self._ours(org_id) if m.user_id == user_id and m.pinned_at]
        return newest_first(
            pinned,
            page,
            scope=(self.table, "pinned", org_id, user_id),
            key=lambda m: stamp(m.pinned_at or m.joined_at, m.resource_id),
        )

    def add(self, member: Member, *, count: bool = True) -> None:
        key = self._key(member.org_id, member.resource_id, member.user_id)

        def apply(s: Any) -> None:
            if key in s.members:
                raise Conflict("already a member")
            s.members[key] = replace(member, scope=self.scope, version=1)

        self._stage((self.table, *key[1:]), apply)
        self._count_user(member, +1)
        if count:
            self._count_resource(member, +1)

    def save(self, member: Member) -> None:
        """A role or a pin; the last activity is the store's (touch writes it apart)."""
        key = self._key(member.org_id, member.resource_id, member.user_id)

        def apply(s: Any) -> None:
            stored = s.members.get(key)
            saved = bumped(member, stored, STALE)
            s.members[key] = replace(saved, last_activity_at=stored.last_activity_at)

        self._stage((self.table, *key[1:]), apply)

    def remove(self, member: Member) -> None:
        key = self._key(member.org_id, member.resource_id, member.user_id)

        def apply(s: Any) -> None:
            bumped(member, s.members.get(key), STALE)
            del s.members[key]

        self._stage((self.table, *key[1:]), apply)
        self._count_user(member, -1)
        self._count_resource(member, -1)

    def purge(self, org_id: str, resource_id: str) -> None:
        store = self._s
        for member in [m for m in self._ours(org_id) if m.resource_id == resource_id]:
            del store.members[self._key(org_id, resource_id, member.user_id)]
            store.add_count(("user", self.scope, org_id, member.user_id), -1)

    def touch(self, member: Member, at: datetime) -> None:
        key = self._key(member.org_id, member.resource_id, member.user_id)
        stored = self._s.members.get(key)
        if stored is not None:
            self._s.members[key] = replace(stored, last_activity_at=at)

    def _count_user(self, member: Member, delta: int) -> None:
        key = ("user", self.scope, member.org_id, member.user_id)
        self._stage(
            (self.table, member.org_id, member.user_id, "STATS"),
            lambda s: s.add_count(key, delta),
        )

    def _count_resource(self, member: Member, delta: int) -> None:
        """ADD to the member count of a resource that must still be there."""
        table = "workspaces" if self.scope == "workspace" else "projects"
        key = (member.org_id, member.resource_id)

        def apply(s: Any) -> None:
            resources = getattr(s, table)
            stored = resources.get(key)
            if stored is None:
                raise Conflict(f"the {self.scope} is gone")
            resources[key] = replace(stored, member_count=stored.member_count + delta)

        self._stage((table, *key), apply)
