"""Staff services on in-memory fakes: sign-in, bootstrap, users, sessions, organisations."""

from __future__ import annotations

from typing import Any

import pytest

from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Throttled,
    Unauthenticated,
    ValidationFailed,
)
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from tests.unit.identity.staff_world import CLIENT, PASSWORD, make_world, register


@pytest.fixture
def world() -> dict[str, Any]:
    return make_world()


def test_the_first_staff_user_bootstraps_an_empty_store(world) -> None:  # type: ignore[no-untyped-def]
    user = world["staff"].sign_in(email="root@example.com", password=PASSWORD)
    assert user.is_staff and user.email == "root@example.com"
    actions = [e.action for e in world["store"].audit]
    assert actions == ["staff.create", "staff.sign_in"]
    with pytest.raises(Conflict):
        world["staff"].create_staff(email="root@example.com", password=PASSWORD)
    with pytest.raises(ValidationFailed):
        world["staff"].create_staff(email="weak@example.com", password="short")


def test_only_active_staff_sign_in_and_failures_are_throttled(world) -> None:  # type: ignore[no-untyped-def]
    register(world, "plain")
    with pytest.raises(Unauthenticated):
        world["staff"].sign_in(email="plain@example.com", password=PASSWORD)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            world["staff"].sign_in(email="root@example.com", password="wrong password 1")
    with pytest.raises(Throttled):
        world["staff"].sign_in(email="root@example.com", password=PASSWORD)


def test_staff_member_is_none_unless_active_staff(world) -> None:  # type: ignore[no-untyped-def]
    plain = register(world, "plain")
    assert world["staff"].staff_member(plain) is None
    assert world["staff"].staff_member("not an id") is None
    assert world["staff"].staff_member(world["root"].user_id) is not None


def test_everything_else_needs_a_staff_principal(world) -> None:  # type: ignore[no-untyped-def]
    plain = Principal(register(world, "plain"))
    with pytest.raises(Forbidden):
        world["staff"].list_users(principal=plain, page=PageRequest())
    with pytest.raises(Forbidden):
        world["tenants"].list_organizations(principal=plain, page=PageRequest())
    key = Principal(world["root"].user_id, is_staff=True, api_key_id="01J9Z8Q4ZK5V6R2Y3T7W8X9A0B")
    with pytest.raises(Forbidden):
        world["staff"].get_user(principal=key, user_id=world["root"].user_id)


def test_users_page_by_cursor_and_filter(world) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        register(world, f"u{n}")
    root = world["root"]
    first = world["staff"].list_users(principal=root, page=PageRequest(4))
    rest = world["staff"].list_users(principal=root, page=PageRequest(4, first.next_cursor))
    assert len(first.items) == 4 and len(rest.items) == 2 and rest.next_cursor is None
    staff_only = world["staff"].list_users(principal=root, page=PageRequest(), staff_only=True)
    assert [u.id for u in staff_only.items] == [root.user_id]
    found = world["staff"].find_users(principal=root, text=" U3@example.com ")
    assert [u.email for u in found] == ["u3@example.com"]
    assert world["staff"].find_users(principal=root, text=found[0].id.lower()) == found


def test_update_user_is_versioned_audited_and_never_locks_oneself_out(world) -> None:  # type: ignore[no-untyped-def]
    target, root = register(world, "target"), world["root"]
    changed = world["staff"].update_user(
        principal=root,
        user_id=target,
        expected_version=1,
        display_name="Renamed",
        is_active=True,
        is_staff=True,
    )
    assert changed.version == 2 and changed.is_staff
    assert world["store"].audit[-1].action == "staff.user.update"
    with pytest.raises(PreconditionFailed):
        world["staff"].update_user(
            principal=root,
            user_id=target,
            expected_version=1,
            display_name="",
            is_active=False,
            is_staff=True,
        )
    with pytest.raises(Conflict):
        world["staff"].set_flags(principal=root, user_ids=[root.user_id], is_active=False)


def test_flags_change_only_what_differs(world) -> None:  # type: ignore[no-untyped-def]
    a, b = register(world, "a"), register(world, "b")
    staff = world["staff"]
    assert staff.set_flags(principal=world["root"], user_ids=[a, b], is_active=False) == 2
    assert staff.set_flags(principal=world["root"], user_ids=[a, b], is_active=False) == 0
    assert not world["store"].users[a].is_active
    assert staff.set_flags(principal=world["root"], user_ids=[a], is_staff=True) == 1
    assert world["store"].users[a].is_staff
    with pytest.raises(NotFound):
        staff.set_flags(principal=world["root"], user_ids=["nope"], is_active=True)


def test_reset_sessions_revokes_every_usable_session(world) -> None:  # type: ignore[no-untyped-def]
    user = register(world, "busy")
    for _ in range(3):
        world["auth"].login(email="busy@example.com", password=PASSWORD, client=CLIENT)
    staff = world["staff"]
    listed = staff.list_sessions(principal=world["root"], page=PageRequest(), user_id=user)
    assert len(listed.items) == 3
    assert staff.revoke_sessions(principal=world["root"], session_ids=[listed.items[0].id]) == 1
    assert staff.reset_sessions(principal=world["root"], user_ids=[user]) == 2
    assert staff.reset_sessions(principal=world["root"], user_ids=[user]) == 0
    assert all(s.revoked_at for s in world["store"].sessions.values())
    revocations = [e for e in world["store"].audit if e.action == "staff.session.revoke"]
    assert len(revocations) == 3


def test_organisations_members_and_keys(world) -> None:  # type: ignore[no-untyped-def]
    owner = register(world, "owner")
    org = world["orgs"].create(principal=Principal(owner), name="Acme")
    tenants, root = world["tenants"], world["root"]
    renamed = tenants.update_organization(
        principal=root, org_id=org.id, expected_version=1, name="Acme 2", description=""
    )
    assert renamed.name == "Acme 2" and renamed.version == 2
    with pytest.raises(PreconditionFailed):
        tenants.update_organization(
            principal=root, org_id=org.id, expected_version=1, name="Old", description=""
        )
    with pytest.raises(ValidationFailed):
        tenants.update_organization(
            principal=root, org_id=org.id, expected_version=2, name=" ", description=""
        )
    members = tenants.list_members(principal=root, page=PageRequest(), org_id=org.id)
    assert [m.role for m in members.items] == ["owner"]
    with pytest.raises(Conflict):
        tenants.change_role(
            principal=root, org_id=org.id, user_id=owner, role="member", expected_version=1
        )
    with pytest.raises(Conflict):
        tenants.remove_member(principal=root, org_id=org.id, user_id=owner, expected_version=1)
    log = tenants.audit_log(principal=root, page=PageRequest(), org_id=org.id)
    assert [e.action for e in log.items] == ["organization.update", "organization.create"]
    assert log.items[0].details == {"by_staff": True}
    platform = tenants.audit_log(principal=root, page=PageRequest())
    assert "staff.create" in [e.action for e in platform.items]
    assert tenants.list_api_keys(principal=root, page=PageRequest(), org_id="bad").items == []


def test_staff_create_organisations_and_add_members(world) -> None:  # type: ignore[no-untyped-def]
    owner, joiner = register(world, "owner"), register(world, "joiner")
    tenants, root = world["tenants"], world["root"]
    with pytest.raises(ValidationFailed) as missing:
        tenants.create_organization(principal=root, owner_id="01J9Z8Q4ZK5V6R2Y3T7W8X9A0B", name="X")
    assert missing.value.errors[0]["loc"] == ["owner_id"]
    org = tenants.create_organization(principal=root, owner_id=owner, name="Made by staff")
    assert world["store"].members[(org.id, owner)].role == "owner"
    added = tenants.add_member(principal=root, org_id=org.id, user_id=joiner, role="viewer")
    assert added.version == 1
    assert world["store"].orgs[org.id].member_count == 2
    with pytest.raises(Conflict):
        tenants.add_member(principal=root, org_id=org.id, user_id=joiner, role="viewer")
    with pytest.raises(ValidationFailed):
        tenants.add_member(principal=root, org_id=org.id, user_id=joiner, role="emperor")
    log = tenants.audit_log(principal=root, page=PageRequest(), org_id=org.id)
    assert [e.action for e in log.items] == ["member.add", "organization.create"]
