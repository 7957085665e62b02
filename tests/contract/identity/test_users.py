"""Contract: UserRepository (e-mail claims, optimistic versions, removal)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.shared.errors import Conflict, PreconditionFailed

from .conftest import IdentityBackend
from .factories import at, member, organization, read, user, write


def test_an_added_user_reads_back_at_version_1(identity: IdentityBackend) -> None:
    ada = user(is_staff=True)
    write(identity, lambda uow: uow.users.add(ada))
    assert read(identity, lambda uow: uow.users.get(ada.id)) == replace(ada, version=1)
    assert read(identity, lambda uow: uow.users.get_by_email(ada.email)) == replace(ada, version=1)


def test_unknown_ids_and_addresses_read_as_none(identity: IdentityBackend) -> None:
    write(identity, lambda uow: uow.users.add(user("ada@example.com")))
    assert read(identity, lambda uow: uow.users.get(user().id)) is None
    assert read(identity, lambda uow: uow.users.get_by_email("bob@example.com")) is None


def test_get_by_email_ignores_case(identity: IdentityBackend) -> None:
    ada = user("ada@example.com")
    write(identity, lambda uow: uow.users.add(ada))
    found = read(identity, lambda uow: uow.users.get_by_email("Ada@Example.COM"))
    assert found is not None and found.id == ada.id


@pytest.mark.parametrize("second_email", ["ada@example.com", "ADA@example.com"])
def test_a_second_account_with_the_address_conflicts_at_commit(
    identity: IdentityBackend, second_email: str
) -> None:
    ada, impostor = user("ada@example.com"), user(second_email)
    write(identity, lambda uow: uow.users.add(ada))
    with identity.uow() as uow:
        uow.users.add(impostor)  # staging checks nothing yet
        with pytest.raises(Conflict):
            uow.commit()
    assert read(identity, lambda uow: uow.users.get(impostor.id)) is None
    assert read(identity, lambda uow: uow.users.get_by_email(second_email)) == replace(
        ada, version=1
    )


def test_each_save_increases_the_version(identity: IdentityBackend) -> None:
    ada = user()
    write(identity, lambda uow: uow.users.add(ada))
    renamed = replace(ada, display_name="Countess", updated_at=at(hours=1), version=1)
    write(identity, lambda uow: uow.users.save(renamed))
    deactivated = replace(renamed, is_active=False, version=2)
    write(identity, lambda uow: uow.users.save(deactivated))
    assert read(identity, lambda uow: uow.users.get(ada.id)) == replace(deactivated, version=3)


def test_a_save_over_a_stale_version_fails_and_changes_nothing(identity: IdentityBackend) -> None:
    ada = user()
    write(identity, lambda uow: uow.users.add(ada))
    write(identity, lambda uow: uow.users.save(replace(ada, display_name="First", version=1)))
    with identity.uow() as uow:
        uow.users.save(replace(ada, display_name="Second", version=1))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    stored = read(identity, lambda uow: uow.users.get(ada.id))
    assert stored is not None and (stored.display_name, stored.version) == ("First", 2)


def test_saving_a_user_never_added_fails(identity: IdentityBackend) -> None:
    ghost = user()
    with identity.uow() as uow:
        uow.users.save(ghost)
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert read(identity, lambda uow: uow.users.get(ghost.id)) is None


def test_a_removed_user_is_gone_and_their_address_is_free_again(identity: IdentityBackend) -> None:
    ada = user("ada@example.com")
    write(identity, lambda uow: uow.users.add(ada))
    write(identity, lambda uow: uow.users.remove(replace(ada, version=1)))
    assert read(identity, lambda uow: uow.users.get(ada.id)) is None
    assert read(identity, lambda uow: uow.users.get_by_email("ada@example.com")) is None
    again = user("ada@example.com")
    write(identity, lambda uow: uow.users.add(again))
    found = read(identity, lambda uow: uow.users.get_by_email("ada@example.com"))
    assert found is not None and found.id == again.id


def test_removing_over_a_stale_version_fails_and_keeps_the_user(identity: IdentityBackend) -> None:
    ada = user("ada@example.com")
    write(identity, lambda uow: uow.users.add(ada))
    write(identity, lambda uow: uow.users.save(replace(ada, display_name="Newer", version=1)))
    with identity.uow() as uow:
        uow.users.remove(replace(ada, version=1))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    kept = read(identity, lambda uow: uow.users.get_by_email("ada@example.com"))
    assert kept is not None and (kept.id, kept.version) == (ada.id, 2)
    with identity.uow() as uow:
        uow.users.add(user("ada@example.com"))  # the claim is still held
        with pytest.raises(Conflict):
            uow.commit()


def test_a_user_and_their_memberships_go_in_one_commit(identity: IdentityBackend) -> None:
    ada, org = user(), organization(member_count=2)
    staying = member(org.id, role="owner")
    leaving = member(org.id, ada.id)
    write(
        identity,
        lambda uow: uow.users.add(ada),
        lambda uow: uow.organizations.add(org),
        lambda uow: uow.memberships.add(staying, count=False),
        lambda uow: uow.memberships.add(leaving, count=False),
    )
    write(
        identity,
        lambda uow: uow.memberships.remove(replace(leaving, version=1)),
        lambda uow: uow.users.remove(replace(ada, version=1)),
    )
    assert read(identity, lambda uow: uow.users.get(ada.id)) is None
    assert read(identity, lambda uow: uow.memberships.get(org.id, ada.id)) is None
    stored = read(identity, lambda uow: uow.organizations.get(org.id))
    assert stored is not None and stored.member_count == 1
