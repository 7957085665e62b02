"""In-memory fakes of the content ports: the upload records and the object store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from domains.identity.model import Content
from domains.identity.ports import PresignedRequest, StoredObject
from domains.shared.errors import Conflict
from domains.shared.pagination import Page, PageRequest
from tests.fakes.paging import page_of, sortable
from tests.fakes.staged import FakeRepository, bumped


def _by_id(record: Content) -> tuple[str]:
    return (record.id,)


def _by_time(record: Content) -> tuple[str, str]:
    return sortable(record.created_at), record.id


class InMemoryContent(FakeRepository):
    """Records in `uow.store.content`, keyed (org_id, id): an organisation's newest first by
    id (ULIDs sort by creation), an owner's newest first by creation time, like the index."""

    @property
    def _rows(self) -> dict[tuple[str, str], Content]:
        rows: dict[tuple[str, str], Content] = self._s.content
        return rows

    def get(self, org_id: str, content_id: str) -> Content | None:
        return self._live(self._rows.get((org_id, content_id)))

    def list_org(self, org_id: str, page: PageRequest) -> Page[Content]:
        ours = sorted(self._rows.items(), reverse=True)
        found = [c for (o, _), c in ours if o == org_id and self._live(c)]
        return page_of(found, page, scope=("content", org_id), key=_by_id, descending=True)

    def list_owner(self, org_id: str, owner_id: str, page: PageRequest) -> Page[Content]:
        mine = [
            c
            for c in self._rows.values()
            if (c.org_id, c.owner_id) == (org_id, owner_id) and self._live(c)
        ]
        newest = sorted(mine, key=_by_time, reverse=True)
        scope = ("content", org_id, owner_id)
        return page_of(newest, page, scope=scope, key=_by_time, descending=True)

    def add(self, content: Content) -> None:
        def apply(s: Any) -> None:
            if (content.org_id, content.id) in s.content:
                raise Conflict("content exists")
            s.content[(content.org_id, content.id)] = replace(content, version=1)

        self._stage(("content", content.org_id, content.id), apply)

    def save(self, content: Content) -> None:
        ident = (content.org_id, content.id)
        self._stage(
            ("content", *ident),
            lambda s: s.content.__setitem__(ident, bumped(content, s.content.get(ident))),
        )

    def remove(self, content: Content) -> None:
        def apply(s: Any) -> None:
            ident = (content.org_id, content.id)
            bumped(content, s.content.get(ident))
            del s.content[ident]

        self._stage(("content", content.org_id, content.id), apply)


@dataclass
class FakeContentStorage:
    """Objects as bytes by key; presigned URLs are plain strings naming the key. `unconfirmed`
    holds the keys a real store would still expire (uploaded, never kept)."""

    objects: dict[str, bytes] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)

    @property
    def unconfirmed(self) -> set[str]:
        return set(self.objects) - self.kept

    def keep(self, key: str) -> None:
        self.kept.add(key)

    def presign_put(self, key: str, *, content_type: str, expires_in: int) -> PresignedRequest:
        return PresignedRequest(
            f"fake://put/{key}", "PUT", {"Content-Type": content_type}, expires_in
        )

    def presign_get(self, key: str, *, filename: str, expires_in: int) -> PresignedRequest:
        return PresignedRequest(f"fake://get/{key}?as={filename}", "GET", {}, expires_in)

    def head(self, key: str) -> StoredObject | None:
        data = self.objects.get(key)
        return None if data is None else StoredObject(len(data))

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)
        self.kept.discard(key)
