"""The in-memory staff browser: whole-store pages in key order, with an index cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from domains.identity.model import ApiKey, Content, Membership, Organization, Session, User
from domains.shared.pagination import Page, PageRequest

T = TypeVar("T")


def _page(items: Iterable[T], page: PageRequest, key: Callable[[T], str]) -> Page[T]:
    """Items after the cursor (the last key of the previous page), `page.limit` of them."""
    ordered = sorted(items, key=key)
    if page.cursor:
        ordered = [i for i in ordered if key(i) > page.cursor]
    chosen = ordered[: page.limit]
    more = len(ordered) > page.limit
    return Page(chosen, key(chosen[-1]) if more else None)


class InMemoryStaffBrowser:
    def __init__(self, store: Any) -> None:
        self._store = store

    def users(self, page: PageRequest, *, active: bool | None = None) -> Page[User]:
        found = [u for u in self._store.users.values() if active in (None, u.is_active)]
        return _page(found, page, lambda u: u.id)

    def staff(self, page: PageRequest) -> Page[User]:
        found = [u for u in self._store.users.values() if u.is_staff]
        return _page(found, page, lambda u: f"{u.created_at.isoformat()}#{u.id}")

    def organizations(self, page: PageRequest) -> Page[Organization]:
        return _page(self._store.orgs.values(), page, lambda o: o.id)

    def memberships(self, page: PageRequest) -> Page[Membership]:
        return _page(self._store.members.values(), page, lambda m: f"{m.org_id}:{m.user_id}")

    def sessions(self, page: PageRequest) -> Page[Session]:
        return _page(self._store.sessions.values(), page, lambda s: s.id)

    def api_keys(self, page: PageRequest) -> Page[ApiKey]:
        return _page(self._store.api_keys.values(), page, lambda k: f"{k.org_id}:{k.id}")

    def content(self, page: PageRequest) -> Page[Content]:
        return _page(self._store.content.values(), page, lambda c: f"{c.org_id}:{c.id}")
