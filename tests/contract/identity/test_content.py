"""Contract: ContentRepository (versioned records, newest first by organisation and owner)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import Content
from domains.shared.errors import Conflict, PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import IdentityBackend
from .factories import LONG_AGO, at, content, every_page, read, write


def _added(identity: IdentityBackend, record: Content) -> Content:
    write(identity, lambda uow: uow.content.add(record))
    return replace(record, version=1)


def _get(identity: IdentityBackend, record: Content) -> Content | None:
    return read(identity, lambda uow: uow.content.get(record.org_id, record.id))


def _confirmed(record: Content) -> Content:
    moment = at(minutes=30)
    return replace(
        record, status="confirmed", confirmed_at=moment, updated_at=moment, expires_at=None
    )


def test_an_added_record_reads_back_at_version_1(identity: IdentityBackend) -> None:
    record = _added(identity, content(new_id(), new_id()))
    assert _get(identity, record) == record
    assert read(identity, lambda uow: uow.content.get(new_id(), record.id)) is None


def test_adding_a_record_twice_conflicts(identity: IdentityBackend) -> None:
    record = _added(identity, content(new_id(), new_id()))
    with identity.uow() as uow:
        uow.content.add(replace(record, filename="other.pdf", version=0))
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(identity, record) == record


def test_save_confirms_and_drops_the_expiry(identity: IdentityBackend) -> None:
    record = _added(identity, content(new_id(), new_id()))
    write(identity, lambda uow: uow.content.save(_confirmed(record)))
    assert _get(identity, record) == replace(_confirmed(record), version=2)


def test_a_save_over_a_stale_version_fails(identity: IdentityBackend) -> None:
    record = _added(identity, content(new_id(), new_id()))
    write(identity, lambda uow: uow.content.save(_confirmed(record)))
    with identity.uow() as uow:
        uow.content.save(replace(record, filename="late.pdf"))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert _get(identity, record) == replace(_confirmed(record), version=2)


def test_remove_deletes_only_the_version_read(identity: IdentityBackend) -> None:
    record = _added(identity, content(new_id(), new_id()))
    write(identity, lambda uow: uow.content.save(_confirmed(record)))
    with identity.uow() as uow:
        uow.content.remove(record)
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert _get(identity, record) is not None
    write(identity, lambda uow: uow.content.remove(replace(record, version=2)))
    assert _get(identity, record) is None


def test_list_org_pages_newest_first(identity: IdentityBackend) -> None:
    org_id = new_id()
    records = [_added(identity, content(org_id, new_id(), minutes=m)) for m in range(5)]
    _added(identity, content(new_id(), new_id()))  # another organisation's
    pages = every_page(lambda p: read(identity, lambda uow: uow.content.list_org(org_id, p)), 2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [c for page in pages for c in page] == records[::-1]


def test_list_owner_pages_one_owners_records_newest_first(identity: IdentityBackend) -> None:
    org_id, owner = new_id(), new_id()
    mine = [_added(identity, content(org_id, owner, minutes=m)) for m in (1, 4, 2)]
    _added(identity, content(org_id, new_id()))  # a colleague's
    _added(identity, content(new_id(), owner))  # mine, in another organisation
    pages = every_page(
        lambda p: read(identity, lambda uow: uow.content.list_owner(org_id, owner, p)), 2
    )
    assert [len(p) for p in pages] == [2, 1]
    assert [c for page in pages for c in page] == sorted(
        mine, key=lambda c: c.created_at, reverse=True
    )


def test_an_expired_pending_record_is_left_out(identity: IdentityBackend) -> None:
    org_id, owner = new_id(), new_id()
    confirmed = _added(identity, content(org_id, owner))
    write(identity, lambda uow: uow.content.save(_confirmed(confirmed)))
    expired = _added(identity, replace(content(org_id, owner), expires_at=LONG_AGO))
    assert _get(identity, expired) is None
    kept = [replace(_confirmed(confirmed), version=2)]
    assert (
        list(read(identity, lambda uow: uow.content.list_org(org_id, PageRequest())).items) == kept
    )
    mine = read(identity, lambda uow: uow.content.list_owner(org_id, owner, PageRequest()))
    assert list(mine.items) == kept
