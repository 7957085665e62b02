"""In-memory fake of the API key repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from domains.identity.model import ApiKey
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import page_of
from tests.fakes.staged import FakeRepository, bumped


def _id(key: ApiKey) -> str:
    return key.id


def _by_id(key: ApiKey) -> tuple[str]:
    return (key.id,)


class InMemoryApiKeys(FakeRepository):
    """Keyed by (org, id) like the table; newest first, as the port says."""

    def get(self, org_id: str, key_id: str) -> ApiKey | None:
        return self._live(self._s.api_keys.get((org_id, key_id)))

    def list_for_org(self, org_id: str, page: PageRequest) -> Page[ApiKey]:
        ours = [k for k in self._ours(org_id) if self._live(k)]
        return page_of(
            sorted(ours, key=_id, reverse=True),
            page,
            scope=("api_keys", org_id),
            key=_by_id,
            descending=True,
        )

    def usable_created_by(self, org_id: str, user_id: str, *, now: datetime) -> list[ApiKey]:
        ours = sorted(self._ours(org_id), key=_id)
        return [k for k in ours if k.created_by == user_id and k.usable(now) and self._live(k)]

    def _ours(self, org_id: str) -> list[ApiKey]:
        return [k for (o, _), k in self._s.api_keys.items() if o == org_id]

    def add(self, key: ApiKey) -> None:
        def apply(s: Any) -> None:
            if (key.org_id, key.id) in s.api_keys:
                raise Conflict("API key exists")
            s.api_keys[(key.org_id, key.id)] = replace(key, version=1)

        self._stage(("api_key", key.org_id, key.id), apply)

    def revoke(self, key: ApiKey, at: datetime) -> None:
        ident = (key.org_id, key.id)

        def apply(s: Any) -> None:
            stored = s.api_keys.get(ident)
            s.api_keys[ident] = replace(bumped(key, stored), revoked_at=at)

        self._stage(("api_key", *ident), apply)
