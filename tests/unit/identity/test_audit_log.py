"""The audit log selector on fakes: permission, filters, order, pages; reading writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domains.identity.selectors import AuditLogSelector
from domains.shared.audit import AuditEntry
from domains.shared.errors import Forbidden, ValidationFailed
from domains.shared.pagination import PageRequest
from domains.shared.permissions import permissions_for
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.identity import Store
from tests.fakes.settings import InMemoryAuditLogReader

ORG, OTHER = "01J9Z8R0AAAAAAAAAAAAAAAAAA", "01J9Z8R0BBBBBBBBBBBBBBBBBB"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _ctx(role: str) -> TenantContext:
    return TenantContext(ORG, Principal("U1"), role, permissions_for(role))


@pytest.fixture
def log():  # type: ignore[no-untyped-def]
    store = Store()
    rows = [
        (ORG, "U1", "organization.create", 0),
        (ORG, "U2", "member.change_role", 1),
        (ORG, "U1", "member.change_role", 2),
        (OTHER, "U1", "member.change_role", 3),
        (ORG, "U1", "organization.update", 4),
    ]
    for org, actor, action, minutes in rows:
        at = T0 + timedelta(minutes=minutes)
        store.audit.append(AuditEntry(org, actor, action, "x", "y", at))
    return store, AuditLogSelector(reader=InMemoryAuditLogReader(store))


def _actions(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in page.items]


def test_admins_read_their_organisation_newest_first(log):  # type: ignore[no-untyped-def]
    store, selector = log
    page = selector.list(ctx=_ctx("admin"), page=PageRequest(limit=3))
    assert _actions(page) == ["organization.update", "member.change_role", "member.change_role"]
    rest = selector.list(ctx=_ctx("owner"), page=PageRequest(limit=3, cursor=page.next_cursor))
    assert _actions(rest) == ["organization.create"] and rest.next_cursor is None
    assert len(store.audit) == 5  # reading wrote nothing


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_may_not(log, role):  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        log[1].list(ctx=_ctx(role), page=PageRequest())


def test_filters_combine(log):  # type: ignore[no-untyped-def]
    _, selector = log
    ctx, page = _ctx("admin"), PageRequest()
    by_actor = selector.list(ctx=ctx, page=page, actor_id="U1")
    assert _actions(by_actor) == [
        "organization.update",
        "member.change_role",
        "organization.create",
    ]
    both = selector.list(ctx=ctx, page=page, actor_id="U1", action="member.change_role")
    assert [e.at for e in both.items] == [T0 + timedelta(minutes=2)]
    window = selector.list(
        ctx=ctx, page=page, since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=2)
    )
    assert [e.actor_id for e in window.items] == ["U1", "U2"]


def test_a_range_that_ends_before_it_starts_is_refused(log):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        log[1].list(ctx=_ctx("admin"), page=PageRequest(), since=T0, until=T0 - timedelta(1))
