"""Contract: MembershipRepository (pages, owners, role changes, removal)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import Membership
from domains.identity.ports import IdentityUnitOfWork
from domains.shared.errors import Conflict, PreconditionFailed, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import IdentityBackend
from .factories import every_page, member, organization, read, write


def _org_with(identity: IdentityBackend, members: int) -> tuple[str, list[Membership]]:
    """An organisation with `members` memberships (sorted by user id, as lists return them)."""
    org = organization(member_count=0)
    joined = [member(org.id) for _ in range(members)]
    write(identity, lambda uow: uow.organizations.add(org))
    for m in joined:  # one each: a transaction writes the organisation's count once
        write(identity, lambda uow, m=m: uow.memberships.add(m))
    return org.id, sorted((replace(m, version=1) for m in joined), key=lambda m: m.user_id)


@pytest.mark.parametrize(("members", "sizes"), [(5, [2, 2, 1]), (4, [2, 2]), (1, [1])])
def test_list_members_pages_through_every_member_once(
    identity: IdentityBackend, members: int, sizes: list[int]
) -> None:
    org_id, joined = _org_with(identity, members)
    _org_with(identity, 2)  # another organisation's members stay out
    pages = every_page(
        lambda p: read(identity, lambda uow: uow.memberships.list_members(org_id, p)), 2
    )
    assert [len(p) for p in pages] == sizes
    assert [m for page in pages for m in page] == joined


def test_list_for_user_pages_through_every_organisation_once(identity: IdentityBackend) -> None:
    user_id = new_id()
    orgs = [organization(member_count=2) for _ in range(3)]

    def stage(uow: IdentityUnitOfWork) -> None:
        for org in orgs:
            uow.organizations.add(org)
            uow.memberships.add(member(org.id, user_id), count=False)
            uow.memberships.add(member(org.id), count=False)

    write(identity, stage)
    pages = every_page(
        lambda p: read(identity, lambda uow: uow.memberships.list_for_user(user_id, p)), 2
    )
    assert [len(p) for p in pages] == [2, 1]
    listed = [m for page in pages for m in page]
    assert [m.org_id for m in listed] == sorted(o.id for o in orgs)
    assert {m.user_id for m in listed} == {user_id}


def test_an_empty_list_has_no_cursor(identity: IdentityBackend) -> None:
    page = read(identity, lambda uow: uow.memberships.list_for_user(new_id(), PageRequest(2)))
    assert (list(page.items), page.next_cursor) == ([], None)


def test_owners_are_the_members_with_the_owner_role(identity: IdentityBackend) -> None:
    org_id, joined = _org_with(identity, 4)
    promoted = [joined[3].with_role("owner"), joined[1].with_role("owner")]
    write(identity, *(lambda uow, m=m: uow.memberships.save(m) for m in promoted))
    owners = read(identity, lambda uow: uow.memberships.owners(org_id))
    assert [(m.user_id, m.version) for m in owners] == [
        (joined[1].user_id, 2),
        (joined[3].user_id, 2),
    ]


def test_a_role_change_over_a_stale_version_fails(identity: IdentityBackend) -> None:
    org_id, [alice] = _org_with(identity, 1)
    write(identity, lambda uow: uow.memberships.save(alice.with_role("admin")))
    with identity.uow() as uow:
        uow.memberships.save(alice.with_role("owner"))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    stored = read(identity, lambda uow: uow.memberships.get(org_id, alice.user_id))
    assert stored == replace(alice, role="admin", version=2)
    assert read(identity, lambda uow: uow.memberships.owners(org_id)) == []


def test_a_removal_over_a_stale_version_fails_and_keeps_the_count(
    identity: IdentityBackend,
) -> None:
    org_id, [alice] = _org_with(identity, 1)
    write(identity, lambda uow: uow.memberships.save(alice.with_role("admin")))
    with identity.uow() as uow:
        uow.memberships.remove(alice)
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert read(identity, lambda uow: uow.memberships.get(org_id, alice.user_id)) is not None
    org = read(identity, lambda uow: uow.organizations.get(org_id))
    assert org is not None and org.member_count == 1


def test_joining_twice_conflicts_and_keeps_the_count(identity: IdentityBackend) -> None:
    org_id, [alice] = _org_with(identity, 1)
    with identity.uow() as uow:
        uow.memberships.add(member(org_id, alice.user_id, "admin"))
        with pytest.raises(Conflict):
            uow.commit()
    assert read(identity, lambda uow: uow.memberships.get(org_id, alice.user_id)) == alice
    org = read(identity, lambda uow: uow.organizations.get(org_id))
    assert org is not None and org.member_count == 1


def test_joining_an_organisation_that_does_not_exist_conflicts(identity: IdentityBackend) -> None:
    stray = member(new_id())
    with identity.uow() as uow:
        uow.memberships.add(stray)
        with pytest.raises(Conflict):
            uow.commit()
    assert read(identity, lambda uow: uow.memberships.get(stray.org_id, stray.user_id)) is None


def test_a_member_leaving_between_two_pages_makes_none_skipped(identity: IdentityBackend) -> None:
    org_id, joined = _org_with(identity, 5)
    first = read(identity, lambda uow: uow.memberships.list_members(org_id, PageRequest(2)))
    write(identity, lambda uow: uow.memberships.remove(joined[0]))
    later = PageRequest(2, first.next_cursor)
    rest = read(identity, lambda uow: uow.memberships.list_members(org_id, later))
    assert [*first.items, *rest.items] == joined[:4]


def test_a_cursor_belongs_to_its_list(identity: IdentityBackend) -> None:
    org_id, _ = _org_with(identity, 3)
    other_id, _ = _org_with(identity, 3)
    cursor = read(identity, lambda uow: uow.memberships.list_members(org_id, PageRequest(2)))
    assert cursor.next_cursor is not None
    for forged in (cursor.next_cursor, "not-a-cursor"):
        with pytest.raises(ValidationFailed):
            read(
                identity,
                lambda uow, c=forged: uow.memberships.list_members(other_id, PageRequest(2, c)),
            )
