"""Contract: ApiKeyRepository (newest first, versioned revocation)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import ApiKey
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import IdentityBackend
from .factories import LONG_AGO, api_key, at, every_page, read, write


def _added(identity: IdentityBackend, key: ApiKey) -> ApiKey:
    write(identity, lambda uow: uow.api_keys.add(key))
    return replace(key, version=1)


def test_an_added_key_reads_back_at_version_1(identity: IdentityBackend) -> None:
    key = _added(identity, api_key(new_id(), expires_at=at(days=90)))
    assert read(identity, lambda uow: uow.api_keys.get(key.org_id, key.id)) == key
    assert read(identity, lambda uow: uow.api_keys.get(new_id(), key.id)) is None


def test_adding_a_key_twice_conflicts(identity: IdentityBackend) -> None:
    key = _added(identity, api_key(new_id()))
    with identity.uow() as uow:
        uow.api_keys.add(replace(key, name="other", version=0))
        with pytest.raises(Conflict):
            uow.commit()
    assert read(identity, lambda uow: uow.api_keys.get(key.org_id, key.id)) == key


def test_list_for_org_pages_newest_first(identity: IdentityBackend) -> None:
    org_id = new_id()
    keys = [_added(identity, api_key(org_id)) for _ in range(5)]
    _added(identity, api_key(new_id()))  # another organisation's
    pages = every_page(
        lambda p: read(identity, lambda uow: uow.api_keys.list_for_org(org_id, p)), 2
    )
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [k for page in pages for k in page] == keys[::-1]


def test_revoke_stamps_the_key_and_bumps_its_version(identity: IdentityBackend) -> None:
    key = _added(identity, api_key(new_id()))
    write(identity, lambda uow: uow.api_keys.revoke(key, at(hours=1)))
    revoked = read(identity, lambda uow: uow.api_keys.get(key.org_id, key.id))
    assert revoked == replace(key, revoked_at=at(hours=1), version=2)
    assert not revoked.usable(at(hours=2))


def test_revoking_a_stale_copy_fails(identity: IdentityBackend) -> None:
    key = _added(identity, api_key(new_id()))
    write(identity, lambda uow: uow.api_keys.revoke(key, at(hours=1)))
    with identity.uow() as uow:
        uow.api_keys.revoke(key, at(hours=2))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    stored = read(identity, lambda uow: uow.api_keys.get(key.org_id, key.id))
    assert stored is not None and stored.revoked_at == at(hours=1)


def test_revoking_a_key_never_added_fails(identity: IdentityBackend) -> None:
    ghost = replace(api_key(new_id()), version=1)
    with identity.uow() as uow:
        uow.api_keys.revoke(ghost, at())
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert read(identity, lambda uow: uow.api_keys.get(ghost.org_id, ghost.id)) is None


def test_an_expired_key_reads_as_absent(identity: IdentityBackend) -> None:
    org_id = new_id()
    lasting = _added(identity, api_key(org_id))
    expired = _added(identity, api_key(org_id, expires_at=LONG_AGO))
    assert read(identity, lambda uow: uow.api_keys.get(org_id, expired.id)) is None
    listed = read(identity, lambda uow: uow.api_keys.list_for_org(org_id, PageRequest()))
    assert list(listed.items) == [lasting]


def test_usable_created_by_is_what_the_creator_can_still_use(identity: IdentityBackend) -> None:
    org_id, creator = new_id(), new_id()
    usable = [_added(identity, api_key(org_id, creator)) for _ in range(2)]
    ending = _added(identity, api_key(org_id, creator, expires_at=at(days=1)))
    revoked = _added(identity, api_key(org_id, creator))
    write(identity, lambda uow: uow.api_keys.revoke(revoked, at(hours=1)))
    _added(identity, api_key(org_id))  # a colleague's
    _added(identity, api_key(new_id(), creator))  # theirs in another organisation
    _added(identity, api_key(org_id, creator, expires_at=LONG_AGO))
    found = read(identity, lambda uow: uow.api_keys.usable_created_by(org_id, creator, now=at()))
    assert sorted(found, key=lambda k: k.id) == [*usable, ending]
    later = read(
        identity, lambda uow: uow.api_keys.usable_created_by(org_id, creator, now=at(days=2))
    )
    assert sorted(later, key=lambda k: k.id) == usable
