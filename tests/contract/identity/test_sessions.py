"""Contract: SessionRepository (rotation that a second use loses, revocation, lists)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import Session
from domains.shared.errors import Conflict
from domains.shared.ids import new_id

from .conftest import IdentityBackend
from .factories import at, read, session, write


def _get(identity: IdentityBackend, session_id: str) -> Session | None:
    return read(identity, lambda uow: uow.sessions.get(session_id))


def _rotated(old: Session) -> Session:
    return replace(session(old.user_id, family_id=old.family_id, minutes=5), secret_hash="next")


def test_an_added_session_reads_back(identity: IdentityBackend) -> None:
    first = session(new_id())
    write(identity, lambda uow: uow.sessions.add(first))
    assert _get(identity, first.id) == first
    assert _get(identity, new_id()) is None


def test_adding_a_session_id_twice_conflicts(identity: IdentityBackend) -> None:
    first = session(new_id())
    write(identity, lambda uow: uow.sessions.add(first))
    with identity.uow() as uow:
        uow.sessions.add(replace(first, secret_hash="other"))
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(identity, first.id) == first


def test_replace_marks_the_old_session_and_adds_the_new(identity: IdentityBackend) -> None:
    old = session(new_id())
    write(identity, lambda uow: uow.sessions.add(old))
    new = _rotated(old)
    write(identity, lambda uow: uow.sessions.replace(old, new))
    assert _get(identity, old.id) == replace(old, replaced_by=new.id)
    assert _get(identity, new.id) == new


def test_a_second_rotation_of_the_same_session_loses(identity: IdentityBackend) -> None:
    old = session(new_id())
    write(identity, lambda uow: uow.sessions.add(old))
    winner, loser = _rotated(old), _rotated(old)
    write(identity, lambda uow: uow.sessions.replace(old, winner))
    with identity.uow() as uow:
        uow.sessions.replace(old, loser)  # `old` as read before the first rotation
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(identity, loser.id) is None
    stored = _get(identity, old.id)
    assert stored is not None and stored.replaced_by == winner.id


def test_a_revoked_session_cannot_be_rotated(identity: IdentityBackend) -> None:
    old = session(new_id())
    write(identity, lambda uow: uow.sessions.add(old))
    write(identity, lambda uow: uow.sessions.revoke(old, at(minutes=1)))
    rotated = _rotated(old)
    with identity.uow() as uow:
        uow.sessions.replace(old, rotated)
        with pytest.raises(Conflict):
            uow.commit()
    assert _get(identity, rotated.id) is None


def test_revoke_stamps_the_session(identity: IdentityBackend) -> None:
    first = session(new_id())
    write(identity, lambda uow: uow.sessions.add(first))
    write(identity, lambda uow: uow.sessions.revoke(first, at(minutes=1)))
    stored = _get(identity, first.id)
    assert stored == replace(first, revoked_at=at(minutes=1))
    assert not stored.usable(at(minutes=2))


def test_list_for_user_is_that_users_sessions_newest_first(identity: IdentityBackend) -> None:
    user_id = new_id()
    mine = [session(user_id, minutes=m) for m in (1, 3, 2)]
    write(identity, *(lambda uow, s=s: uow.sessions.add(s) for s in [*mine, session(new_id())]))
    listed = read(identity, lambda uow: uow.sessions.list_for_user(user_id))
    assert listed == sorted(mine, key=lambda s: s.created_at, reverse=True)
    assert read(identity, lambda uow: uow.sessions.list_for_user(new_id())) == []


def test_list_family_follows_the_rotations_newest_first(identity: IdentityBackend) -> None:
    first = session(new_id())
    write(identity, lambda uow: uow.sessions.add(first))
    second = _rotated(first)
    write(identity, lambda uow: uow.sessions.replace(first, second))
    third = replace(_rotated(second), created_at=at(minutes=10))
    write(identity, lambda uow: uow.sessions.replace(second, third))
    write(identity, lambda uow: uow.sessions.add(session(first.user_id)))  # another family
    family = read(identity, lambda uow: uow.sessions.list_family(first.family_id))
    assert [s.id for s in family] == [third.id, second.id, first.id]
    assert [s.replaced_by for s in family] == [None, third.id, second.id]
