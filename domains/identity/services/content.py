"""User content: presigned uploads to the object store, confirmed by a HEAD, then downloads.

The bytes never pass through the API: the client PUTs them to a presigned URL, then confirms.
A pending record expires after `pending_ttl` (DynamoDB TTL); confirming checks the object is
there with the announced size and removes the expiry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domains.identity.model import Content, check_upload, safe_filename
from domains.identity.ports import ContentStorage, PresignedRequest, UnitOfWorkFactory
from domains.shared.audit import tenant_audit
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, Forbidden
from domains.shared.guards import check_version, found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import TenantContext


@dataclass(frozen=True)
class ContentLimits:
    max_bytes: int = 50 * 1024 * 1024
    pending_ttl: timedelta = timedelta(hours=24)
    url_ttl_seconds: int = 900


def content_key(org_id: str, content_id: str, filename: str) -> str:
    """The S3 key of an upload: `content/<org_id>/<id>/<safe filename>`."""
    return f"content/{org_id}/{content_id}/{safe_filename(filename)}"


class ContentService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        storage: ContentStorage,
        clock: Clock,
        limits: ContentLimits | None = None,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock
        self._limits = limits or ContentLimits()

    def request_upload(
        self, *, ctx: TenantContext, filename: str, content_type: str, size: int
    ) -> tuple[Content, PresignedRequest]:
        """Record a pending upload and sign the PUT that sends its bytes."""
        ctx.require(Permission.CONTENT_WRITE)
        kind = check_upload(filename, content_type, size, self._limits.max_bytes)
        now, content_id = self._clock.now(), new_id()
        content = Content(
            id=content_id,
            org_id=ctx.org_id,
            owner_id=ctx.principal.user_id,
            filename=filename.strip(),
            content_type=kind,
            size=size,
            s3_key=content_key(ctx.org_id, content_id, filename),
            created_at=now,
            updated_at=now,
            expires_at=now + self._limits.pending_ttl,
        )
        with self._uow() as uow:
            uow.content.add(content)
            self._audit(uow, ctx, "content.upload", content, now, size=size, content_type=kind)
            uow.commit()
        upload = self._storage.presign_put(
            content.s3_key, content_type=kind, expires_in=self._limits.url_ttl_seconds
        )
        return replace(content, version=1), upload

    def confirm(
        self, *, ctx: TenantContext, content_id: str, expected_version: int | None = None
    ) -> Content:
        """Pending -> confirmed once the object is stored with the announced size."""
        ctx.require(Permission.CONTENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            content = self._content(uow, ctx, content_id)
            self._check_owner(ctx, content, "confirm")
            check_version(expected_version, content.version, "content")
            if content.confirmed:
                return content
            self._check_stored(content)
            self._storage.keep(content.s3_key)
            changed = replace(
                content, status="confirmed", confirmed_at=now, updated_at=now, expires_at=None
            )
            uow.content.save(changed)
            self._audit(uow, ctx, "content.confirm", content, now)
            uow.commit()
        return replace(changed, version=content.version + 1)

    def get(
        self, *, ctx: TenantContext, content_id: str
    ) -> tuple[Content, PresignedRequest | None]:
        """The record, with a signed download for confirmed content (None while pending)."""
        ctx.require(Permission.CONTENT_READ)
        with self._uow() as uow:
            content = self._content(uow, ctx, content_id)
        if not content.confirmed:
            return content, None
        download = self._storage.presign_get(
            content.s3_key, filename=content.filename, expires_in=self._limits.url_ttl_seconds
        )
        return content, download

    def list(self, *, ctx: TenantContext, page: PageRequest, mine: bool = False) -> Page[Content]:
        ctx.require(Permission.CONTENT_READ)
        with self._uow() as uow:
            if mine:
                return uow.content.list_owner(ctx.org_id, ctx.principal.user_id, page)
            return uow.content.list_org(ctx.org_id, page)

    def delete(
        self, *, ctx: TenantContext, content_id: str, expected_version: int | None = None
    ) -> None:
        """Delete the object, then the record: a failure in between leaves a record to retry
        the deletion with, never an object nothing points at."""
        ctx.require(Permission.CONTENT_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            content = self._content(uow, ctx, content_id)
            self._check_owner(ctx, content, "delete")
            check_version(expected_version, content.version, "content")
            self._storage.delete(content.s3_key)
            uow.content.remove(content)
            self._audit(uow, ctx, "content.delete", content, now)
            uow.commit()

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _content(uow, ctx: TenantContext, content_id: str) -> Content:  # type: ignore[no-untyped-def]
        return found(
            uow.content.get(ctx.org_id, content_id) if is_valid_id(content_id) else None, "content"
        )

    @staticmethod
    def _check_owner(ctx: TenantContext, content: Content, what: str) -> None:
        """The uploader, or whoever may change the organisation (admins, owners)."""
        if content.owner_id != ctx.principal.user_id and not ctx.can(Permission.ORG_WRITE):
            raise Forbidden(f"only the uploader or an admin can {what} this content")

    def _check_stored(self, content: Content) -> None:
        stored = self._storage.head(content.s3_key)
        if stored is None:
            raise Conflict("nothing was uploaded yet: PUT the bytes to the upload URL first")
        if stored.size != content.size:
            raise Conflict(f"the uploaded object has {stored.size} bytes, not {content.size}")

    @staticmethod
    def _audit(  # type: ignore[no-untyped-def]
        uow, ctx: TenantContext, action: str, content: Content, at: datetime, **details
    ) -> None:
        uow.audit(
            tenant_audit(ctx, action=action, resource=("content", content.id), at=at, **details)
        )
