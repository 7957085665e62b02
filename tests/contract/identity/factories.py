"""Domain objects for the identity contract suite, and the few steps every test repeats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from domains.identity.model import (
    ApiKey,
    Content,
    Invitation,
    Membership,
    Organization,
    Session,
    Setting,
    SettingOverride,
    User,
)
from domains.identity.ports import IdentityUnitOfWork
from domains.shared.audit import AuditEntry
from domains.shared.clock import FixedClock
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest

from .conftest import IdentityBackend

T = TypeVar("T")

# Far after the wall clock, whose time the DynamoDB adapters' TTL filter reads: nothing a
# test writes has expired unless the test says so. Whole seconds, as TTL attributes keep.
CLOCK = FixedClock(datetime(2099, 1, 1, tzinfo=UTC))
NOW = CLOCK.now()
# Before the wall clock: an item expiring then has expired, and its TTL says so.
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)


def at(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def write(identity: IdentityBackend, *stages: Callable[[IdentityUnitOfWork], object]) -> None:
    """Stage through one unit of work and commit it."""
    with identity.uow() as uow:
        for stage in stages:
            stage(uow)
        uow.commit()


def read(identity: IdentityBackend, query: Callable[[IdentityUnitOfWork], T]) -> T:
    with identity.uow() as uow:
        return query(uow)


def every_page(fetch: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Follow the cursors from the first page to the last: the items of each page."""
    pages: list[list[T]] = []
    cursor = None
    while True:
        page = fetch(PageRequest(limit, cursor))
        pages.append(list(page.items))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def user(email: str | None = None, **changes: Any) -> User:
    user_id = new_id()
    fields: dict[str, Any] = {
        "id": user_id,
        "email": email or f"{user_id.lower()}@example.com",
        "display_name": "Ada",
        "password_hash": "plain$secret",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return User(**(fields | changes))


def organization(**changes: Any) -> Organization:
    fields: dict[str, Any] = {
        "id": new_id(),
        "name": "Analytical Engines",
        "created_by": new_id(),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Organization(**(fields | changes))


def member(org_id: str, user_id: str | None = None, role: str = "member") -> Membership:
    return Membership(org_id, user_id or new_id(), role, NOW)


def session(user_id: str, *, family_id: str | None = None, minutes: float = 0) -> Session:
    return Session(
        id=new_id(),
        user_id=user_id,
        family_id=family_id or new_id(),
        secret_hash="digest",
        created_at=at(minutes=minutes),
        expires_at=at(days=30),
        user_agent="pytest",
        ip="192.0.2.1",
    )


def invitation(org_id: str, email: str, *, expires_in_days: float = 7) -> Invitation:
    return Invitation(
        id=new_id(),
        org_id=org_id,
        email=email,
        role="member",
        invited_by=new_id(),
        token_hash=new_id(),
        created_at=NOW,
        expires_at=at(days=expires_in_days),
    )


def api_key(org_id: str, created_by: str | None = None, **changes: Any) -> ApiKey:
    fields: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "name": "ci",
        "permissions": frozenset({"org:read", "members:read"}),
        "secret_hash": "digest",
        "created_by": created_by or new_id(),
        "created_at": NOW,
    }
    return ApiKey(**(fields | changes))


def content(org_id: str, owner_id: str, *, minutes: float = 0) -> Content:
    content_id = new_id()
    return Content(
        id=content_id,
        org_id=org_id,
        owner_id=owner_id,
        filename="report.pdf",
        content_type="application/pdf",
        size=1024,
        s3_key=f"orgs/{org_id}/{content_id}/report.pdf",
        created_at=at(minutes=minutes),
        updated_at=at(minutes=minutes),
        expires_at=at(days=1),
    )


def setting(key: str, kind: str = "int", value: Any = 3) -> Setting:
    return Setting(key, kind, value, "a setting", new_id(), new_id(), NOW)


def override(of: Setting, org_id: str, value: Any, version: int = 0) -> SettingOverride:
    return SettingOverride(
        of.key, org_id, of.type, value, of.generation, new_id(), NOW, version=version
    )


def entry(org_id: str, actor: str, action: str, minutes: float = 0) -> AuditEntry:
    return AuditEntry(org_id, actor, action, "organization", org_id, at(minutes=minutes))
