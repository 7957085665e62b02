"""In-memory fakes of the content ports: the upload records and the object store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from domains.identity.model import Content
from domains.identity.ports import PresignedRequest, StoredObject
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.pagination import Page, PageRequest


class InMemoryContent:
    """Records in `uow.store.content`, keyed (org_id, id); expired ones are left out."""

    def __init__(self, uow: Any) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[tuple[str, str], Content]:
        rows: dict[tuple[str, str], Content] = self._uow.store.content
        return rows

    def get(self, org_id: str, content_id: str) -> Content | None:
        return self._rows.get((org_id, content_id))

    def list_org(self, org_id: str, page: PageRequest) -> Page[Content]:
        found = [c for (o, _), c in sorted(self._rows.items(), reverse=True) if o == org_id]
        return Page(found[: page.limit])

    def list_owner(self, org_id: str, owner_id: str, page: PageRequest) -> Page[Content]:
        mine = [c for c in self.list_org(org_id, PageRequest(100)).items if c.owner_id == owner_id]
        return Page(mine[: page.limit])

    def add(self, content: Content) -> None:
        def apply(s: Any) -> None:
            if (content.org_id, content.id) in s.content:
                raise Conflict("content exists")
            s.content[(content.org_id, content.id)] = replace(content, version=1)

        self._uow.staged.append(apply)

    def save(self, content: Content) -> None:
        def apply(s: Any) -> None:
            stored = s.content.get((content.org_id, content.id))
            if stored is None or stored.version != content.version:
                raise PreconditionFailed("stale version")
            s.content[(content.org_id, content.id)] = replace(content, version=content.version + 1)

        self._uow.staged.append(apply)

    def remove(self, content: Content) -> None:
        def apply(s: Any) -> None:
            stored = s.content.get((content.org_id, content.id))
            if stored is None or stored.version != content.version:
                raise PreconditionFailed("stale version")
            del s.content[(content.org_id, content.id)]

        self._uow.staged.append(apply)


@dataclass
class FakeContentStorage:
    """Objects as bytes by key; presigned URLs are plain strings naming the key."""

    objects: dict[str, bytes] = field(default_factory=dict)

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
