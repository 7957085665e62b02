"""ContentService on in-memory fakes: rules of uploads, confirmation, expiry and deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.identity.model import safe_filename
from domains.identity.services.content import ContentLimits, ContentService
from domains.shared.clock import FixedClock
from domains.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domains.shared.pagination import PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.content import FakeContentStorage
from tests.fakes.identity import InMemoryIdentityUnitOfWork, Store

ORG = "01J9Z8R0AAAAAAAAAAAAAAAAAA"


def _ctx(user: str, role: str) -> TenantContext:
    return TenantContext(ORG, Principal(user), role, permissions_for(role), "req-1")


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    store, clock, storage = Store(), FixedClock(), FakeContentStorage()
    limits = ContentLimits(max_bytes=1000, pending_ttl=timedelta(hours=24), url_ttl_seconds=60)
    service = ContentService(
        uow=lambda: InMemoryIdentityUnitOfWork(store),
        storage=storage,
        clock=clock,
        limits=limits,
    )
    return store, clock, storage, service


def test_upload_is_pending_with_a_ttl_and_a_signed_put(world):  # type: ignore[no-untyped-def]
    store, clock, _, service = world
    content, upload = service.request_upload(
        ctx=_ctx("ada", "member"), filename="a b.PNG", content_type="image/png", size=10
    )
    assert content.status == "pending" and content.version == 1
    assert content.expires_at == clock.now() + timedelta(hours=24)
    assert content.s3_key == f"content/{ORG}/{content.id}/a_b.PNG"
    assert upload.method == "PUT" and upload.expires_in == 60
    assert [e.action for e in store.audit] == ["content.upload"]


@pytest.mark.parametrize(
    ("filename", "kind", "size", "field"),
    [
        ("a.svg", "image/svg+xml", 10, "content_type"),
        ("a.txt", "text/plain", 1001, "size"),
        ("a.txt", "text/plain", 0, "size"),
        ("   ", "text/plain", 1, "filename"),
    ],
)
def test_refused_uploads_name_the_field(world, filename, kind, size, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as raised:
        world[3].request_upload(
            ctx=_ctx("ada", "member"), filename=filename, content_type=kind, size=size
        )
    assert [e["loc"] for e in raised.value.errors] == [[field]]
    assert world[0].content == {}


def test_confirm_needs_the_object_with_the_announced_size(world):  # type: ignore[no-untyped-def]
    _, _, storage, service = world
    ctx = _ctx("ada", "member")
    content, _ = service.request_upload(
        ctx=ctx, filename="a.txt", content_type="text/plain", size=3
    )
    with pytest.raises(Conflict):
        service.confirm(ctx=ctx, content_id=content.id)
    storage.objects[content.s3_key] = b"abcd"
    with pytest.raises(Conflict):
        service.confirm(ctx=ctx, content_id=content.id)
    assert storage.unconfirmed == {content.s3_key}  # a wrong size is not kept
    storage.objects[content.s3_key] = b"abc"
    confirmed = service.confirm(ctx=ctx, content_id=content.id)
    assert storage.unconfirmed == set()  # confirmed: the store will not expire it
    assert confirmed.confirmed and confirmed.expires_at is None and confirmed.version == 2
    _, download = service.get(ctx=_ctx("vic", "viewer"), content_id=content.id)
    assert download is not None and download.method == "GET"


def test_only_the_uploader_or_an_admin_changes_content(world):  # type: ignore[no-untyped-def]
    _, _, storage, service = world
    content, _ = service.request_upload(
        ctx=_ctx("ada", "member"), filename="a.txt", content_type="text/plain", size=1
    )
    storage.objects[content.s3_key] = b"a"
    with pytest.raises(Forbidden):
        service.request_upload(
            ctx=_ctx("vic", "viewer"), filename="a.txt", content_type="text/plain", size=1
        )
    with pytest.raises(Forbidden):
        service.delete(ctx=_ctx("mel", "member"), content_id=content.id)
    service.delete(ctx=_ctx("boss", "admin"), content_id=content.id)
    assert storage.objects == {}
    with pytest.raises(NotFound):
        service.get(ctx=_ctx("ada", "member"), content_id=content.id)


def test_lists_are_newest_first_and_mine_filters_by_owner(world):  # type: ignore[no-untyped-def]
    service = world[3]
    ids = [
        service.request_upload(
            ctx=_ctx(user, "member"), filename="a.txt", content_type="text/plain", size=1
        )[0].id
        for user in ("ada", "bob", "ada")
    ]
    page = PageRequest(10)
    assert [c.id for c in service.list(ctx=_ctx("vic", "viewer"), page=page).items] == ids[::-1]
    mine = service.list(ctx=_ctx("ada", "member"), page=page, mine=True).items
    assert [c.id for c in mine] == [ids[2], ids[0]]


def test_malformed_ids_are_not_found(world):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        world[3].get(ctx=_ctx("ada", "member"), content_id="../../etc")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo 1.jpg", "photo_1.jpg"),
        ("..", "file"),
        ("été.txt", "t_.txt"),
        ("x" * 300 + ".csv", "x" * 96 + ".csv"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe
