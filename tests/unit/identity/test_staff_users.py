"""Staff add and delete users on in-memory fakes: audited, refused while a user is an
organisation's sole owner, and a deletion leaves no membership, session, key or claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domains.identity.model import ApiKey, Session
from domains.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from domains.shared.uow import MAX_WRITES
from tests.unit.identity.staff_world import CLIENT, PASSWORD, make_world, register


@pytest.fixture
def world() -> dict[str, Any]:
    return make_world()


def _add(world: dict[str, Any], email: str = "New@Example.com", **changes: Any) -> Any:
    values = {"email": email, "display_name": "New", "password": PASSWORD, "is_staff": False}
    return world["staff"].create_user(principal=world["root"], **(values | changes))


def _key(world: dict[str, Any], org_id: str, user_id: str) -> ApiKey:
    now = world["clock"].now()
    key = ApiKey(new_id(), org_id, "ci", frozenset({"org:read"}), "digest", user_id, now)
    with world["uow"]() as uow:
        uow.api_keys.add(key)
        uow.commit()
    return replace(key, version=1)


def _org_with(world: dict[str, Any], owner: str, *members: tuple[str, str]) -> str:
    org = world["orgs"].create(principal=Principal(owner), name=f"Org of {owner[-4:]}")
    for user_id, role in members:
        world["tenants"].add_member(
            principal=world["root"], org_id=org.id, user_id=user_id, role=role
        )
    return str(org.id)


# -- adding ------------------------------------------------------------------------------------


def test_staff_add_a_user_who_can_sign_in_and_the_addition_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    added = _add(world, " New@Example.com ", is_staff=True)
    assert (added.email, added.display_name, added.is_staff, added.version) == (
        "new@example.com",
        "New",
        True,
        1,
    )
    assert world["store"].users[added.id].password_hash == f"plain${PASSWORD}"
    entry = world["store"].audit[-1]
    assert (entry.action, entry.actor_id, entry.resource_id, entry.org_id) == (
        "staff.user.create",
        world["root"].user_id,
        added.id,
        None,
    )
    assert entry.details == {"is_staff": True}
    assert world["staff"].sign_in(email="new@example.com", password=PASSWORD).id == added.id
    plain = _add(world, "plain@example.com", display_name="")
    assert plain.display_name == "plain" and not plain.is_staff


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": "root@example.com"}, "email"),  # taken: a field error, not a lost form
        ({"password": "short"}, "password"),
        ({"password": "onlyletterslong"}, "password"),
    ],
)
def test_a_bad_new_user_names_the_field(world, changes, field) -> None:  # type: ignore[no-untyped-def]
    before = dict(world["store"].users)
    with pytest.raises(ValidationFailed) as refused:
        _add(world, **changes)
    assert refused.value.errors[0]["loc"] == [field]
    assert world["store"].users == before


def test_only_staff_add_users(world) -> None:  # type: ignore[no-untyped-def]
    plain = Principal(register(world, "plain"))
    with pytest.raises(Forbidden):
        world["staff"].create_user(
            principal=plain, email="x@example.com", display_name="", password=PASSWORD
        )


# -- deleting ----------------------------------------------------------------------------------


def test_deleting_a_user_removes_every_trace_in_one_commit(world) -> None:  # type: ignore[no-untyped-def]
    store, staff, root = world["store"], world["staff"], world["root"]
    boss, other, leaver = (
        register(world, "boss"),
        register(world, "other"),
        register(world, "leaver"),
    )
    first = _org_with(world, boss, (leaver, "admin"))
    second = _org_with(world, other, (leaver, "owner"))  # co-owner: someone else remains
    keys = [_key(world, first, leaver), _key(world, second, leaver)]
    kept_key = _key(world, first, boss)
    world["auth"].login(email="leaver@example.com", password=PASSWORD, client=CLIENT)
    world["auth"].login(email="boss@example.com", password=PASSWORD, client=CLIENT)
    world["web"].open[leaver] = 2
    audit_before = len(store.audit)

    ended = staff.delete_user(principal=root, user_id=leaver, expected_version=1, request_id="r1")

    assert leaver not in store.users
    assert not [m for (_, u), m in store.members.items() if u == leaver]
    assert (store.orgs[first].member_count, store.orgs[second].member_count) == (1, 1)
    assert all(s.revoked_at for s in store.sessions.values() if s.user_id == leaver)
    assert not [s for s in store.sessions.values() if s.user_id == boss and s.revoked_at]
    assert all(store.api_keys[(k.org_id, k.id)].revoked_at for k in keys)
    assert store.api_keys[(first, kept_key.id)].revoked_at is None
    assert world["web"].open == {} and ended.web_sessions == 2
    assert (ended.sessions, len(ended.api_keys), len(ended.organizations)) == (1, 2, 2)
    written = store.audit[audit_before:]
    assert sorted((e.action, e.org_id) for e in written) == sorted(
        [("member.remove", first), ("member.remove", second), ("staff.user.delete", None)]
    )
    final = written[-1]
    assert (final.actor_id, final.resource_id, final.request_id) == (root.user_id, leaver, "r1")
    assert final.details["email"] == "leaver@example.com"
    assert sorted(final.details["revoked_api_keys"]) == sorted(k.id for k in keys)
    removal = next(e for e in written if e.org_id == first)
    assert removal.details == {
        "by_staff": True,
        "user_deleted": True,
        "revoked_api_keys": [keys[0].id],
    }
    again = register(world, "leaver")  # the address is free again
    assert again != leaver


def test_a_sole_owner_is_not_deleted_and_nothing_changes(world) -> None:  # type: ignore[no-untyped-def]
    store, root = world["store"], world["root"]
    owner = register(world, "owner")
    org_id = _org_with(world, owner)
    world["auth"].login(email="owner@example.com", password=PASSWORD, client=CLIENT)
    before = (dict(store.users), dict(store.members), dict(store.sessions), len(store.audit))
    with pytest.raises(Conflict) as refused:
        world["staff"].delete_user(principal=root, user_id=owner, expected_version=1)
    message = refused.value.detail
    assert "sole owner" in message and f"Org of {owner[-4:]} ({org_id})" in message
    assert "make another member owner" in message
    assert before == (
        dict(store.users),
        dict(store.members),
        dict(store.sessions),
        len(store.audit),
    )


def test_delete_checks_the_version_the_staff_and_never_oneself(world) -> None:  # type: ignore[no-untyped-def]
    staff, root = world["staff"], world["root"]
    target = register(world, "target")
    with pytest.raises(PreconditionFailed):
        staff.delete_user(principal=root, user_id=target, expected_version=7)
    with pytest.raises(Conflict, match="yourself"):
        staff.delete_user(principal=root, user_id=root.user_id, expected_version=1)
    with pytest.raises(Forbidden):
        staff.delete_user(principal=Principal(target), user_id=target, expected_version=1)
    with pytest.raises(NotFound):
        staff.delete_user(principal=root, user_id="nope", expected_version=None)
    assert target in world["store"].users


def test_a_deletion_too_big_for_one_commit_is_split_with_the_profile_last(world) -> None:  # type: ignore[no-untyped-def]
    store, clock = world["store"], world["clock"]
    busy = register(world, "busy")
    now = clock.now()
    for batch in range(3):  # more sessions than one transaction can revoke
        with world["uow"]() as uow:
            for n in range(50):
                created = now + timedelta(seconds=batch * 50 + n)
                later = created + timedelta(days=30)
                uow.sessions.add(Session(new_id(), busy, new_id(), "digest", created, later))
            uow.commit()
    ended = world["staff"].delete_user(principal=world["root"], user_id=busy, expected_version=1)
    assert ended.sessions == MAX_WRITES + 50
    assert busy not in store.users
    assert all(s.revoked_at for s in store.sessions.values())
    actions = [e.action for e in store.audit if e.resource_id == busy]
    assert actions[-2:] == ["staff.user.delete_step", "staff.user.delete"]
    steps = [e for e in store.audit if e.resource_id == busy and e.action.startswith("staff.")]
    assert sum(e.details["revoked_sessions"] for e in steps) == MAX_WRITES + 50


def test_the_fakes_refuse_a_commit_larger_than_a_transaction(world) -> None:  # type: ignore[no-untyped-def]
    busy = register(world, "busy")
    now = world["clock"].now()
    with world["uow"]() as uow, pytest.raises(ValueError, match="at most"):
        for _ in range(MAX_WRITES + 1):
            uow.sessions.add(Session(new_id(), busy, new_id(), "d", now, now + timedelta(days=1)))
        uow.commit()
    assert (
        world["staff"]
        .list_sessions(principal=world["root"], page=PageRequest(), user_id=busy)
        .items
        == []
    )
