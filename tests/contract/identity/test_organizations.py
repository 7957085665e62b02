"""Contract: OrganizationRepository (profile, versions, the member count it keeps)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import Organization
from domains.identity.ports import IdentityUnitOfWork
from domains.shared.errors import Conflict, PreconditionFailed

from .conftest import IdentityBackend
from .factories import at, member, organization, read, write


def _found(identity: IdentityBackend, org_id: str) -> Organization:
    org = read(identity, lambda uow: uow.organizations.get(org_id))
    assert org is not None
    return org


def _create(identity: IdentityBackend) -> Organization:
    """An organisation and its owner's membership, in one unit of work, as the service does."""
    org = organization(member_count=1)
    owner = member(org.id, org.created_by, "owner")

    def stage(uow: IdentityUnitOfWork) -> None:
        uow.organizations.add(org)
        uow.memberships.add(owner, count=False)

    write(identity, stage)
    return org


def test_an_organisation_and_its_owner_are_created_together(identity: IdentityBackend) -> None:
    org = _create(identity)
    assert _found(identity, org.id) == replace(org, version=1)
    owners = read(identity, lambda uow: uow.memberships.owners(org.id))
    assert [(m.user_id, m.role, m.version) for m in owners] == [(org.created_by, "owner", 1)]


def test_adding_an_existing_organisation_conflicts(identity: IdentityBackend) -> None:
    org = _create(identity)
    with identity.uow() as uow:
        uow.organizations.add(replace(org, name="Impostor"))
        with pytest.raises(Conflict):
            uow.commit()
    assert _found(identity, org.id).name == org.name


def test_members_added_and_removed_keep_the_count(identity: IdentityBackend) -> None:
    org = _create(identity)
    joining = [member(org.id) for _ in range(3)]
    for joiner in joining:  # one each: a transaction writes the organisation's count once
        write(identity, lambda uow, m=joiner: uow.memberships.add(m))
    assert _found(identity, org.id).member_count == 4
    leaving = read(identity, lambda uow: uow.memberships.get(org.id, joining[0].user_id))
    assert leaving is not None
    write(identity, lambda uow: uow.memberships.remove(leaving))
    assert _found(identity, org.id).member_count == 3
    assert read(identity, lambda uow: uow.memberships.get(org.id, leaving.user_id)) is None


def test_saving_keeps_the_stored_member_count(identity: IdentityBackend) -> None:
    org = _create(identity)
    write(identity, lambda uow: uow.memberships.add(member(org.id)))
    renamed = replace(org, name="Difference Engines", updated_at=at(hours=1), version=1)
    write(identity, lambda uow: uow.organizations.save(renamed))  # its member_count is 1
    assert _found(identity, org.id) == replace(renamed, member_count=2, version=2)


def test_a_save_over_a_stale_version_fails(identity: IdentityBackend) -> None:
    org = _create(identity)
    write(identity, lambda uow: uow.organizations.save(replace(org, name="First", version=1)))
    with identity.uow() as uow:
        uow.organizations.save(replace(org, name="Second", version=1))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    stored = _found(identity, org.id)
    assert (stored.name, stored.version) == ("First", 2)


def test_get_many_returns_the_known_ones_in_the_order_asked(identity: IdentityBackend) -> None:
    first, second = _create(identity), _create(identity)
    unknown = organization().id
    asked = [second.id, unknown, first.id, second.id]
    found = read(identity, lambda uow: uow.organizations.get_many(asked))
    assert [o.id for o in found] == [second.id, first.id]
    assert read(identity, lambda uow: uow.organizations.get_many([])) == []
