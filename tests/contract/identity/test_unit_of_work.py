"""Contract: the identity unit of work (staged until commit, all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from domains.identity.ports import IdentityUnitOfWork
from domains.shared.errors import DomainError, PreconditionFailed
from domains.shared.ids import new_id

from .conftest import IdentityBackend
from .factories import api_key, entry, member, organization, read, session, setting, user, write

Stage = Callable[[IdentityUnitOfWork], object]


def _world() -> tuple[list[Stage], Callable[[IdentityUnitOfWork], list[object]]]:
    """Writes to five tables, and a read of what each wrote (None while absent)."""
    ada, org = user(), organization(member_count=1)
    owner, first = member(org.id, ada.id, "owner"), session(ada.id)
    key, limit = api_key(org.id, ada.id), setting("mail.daily-limit")
    stages: list[Stage] = [
        lambda uow: uow.users.add(ada),
        lambda uow: uow.organizations.add(org),
        lambda uow: uow.memberships.add(owner, count=False),
        lambda uow: uow.sessions.add(first),
        lambda uow: uow.api_keys.add(key),
        lambda uow: uow.settings.add(limit),
    ]

    def found(uow: IdentityUnitOfWork) -> list[object]:
        return [
            uow.users.get_by_email(ada.email),
            uow.organizations.get(org.id),
            uow.memberships.get(org.id, ada.id),
            uow.sessions.get(first.id),
            uow.api_keys.get(org.id, key.id),
            uow.settings.get(limit.key),
        ]

    return stages, found


def test_nothing_staged_is_visible_before_commit(identity: IdentityBackend) -> None:
    stages, found = _world()
    with identity.uow() as uow:
        for stage in stages:
            stage(uow)
        assert found(uow) == [None] * len(stages)
        assert read(identity, found) == [None] * len(stages)
        uow.commit()
    assert None not in read(identity, found)


def test_leaving_without_commit_discards_every_write(identity: IdentityBackend) -> None:
    stages, found = _world()
    with pytest.raises(RuntimeError), identity.uow() as uow:
        for stage in stages:
            stage(uow)
        raise RuntimeError("the use case failed half way")
    assert read(identity, found) == [None] * len(stages)


@pytest.mark.parametrize("position", [0, 3, 6])
def test_a_failed_condition_anywhere_drops_every_staged_write(
    identity: IdentityBackend, position: int
) -> None:
    stale = user()
    write(identity, lambda uow: uow.users.add(stale))
    stages, found = _world()
    stages.insert(position, lambda uow: uow.users.save(stale))  # version 0: stale
    with identity.uow() as uow:
        for stage in stages:
            stage(uow)
        uow.audit(entry(new_id(), "ada", "organization.create"))
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert read(identity, found) == [None] * (len(stages) - 1)


def test_one_transaction_writes_an_item_once(identity: IdentityBackend) -> None:
    """Like TransactWriteItems: a new organisation's count is set by `add`, so its first
    membership is added with `count=False`, not ADDed in the same transaction."""
    org = organization()
    with identity.uow() as uow:
        uow.organizations.add(org)
        uow.memberships.add(member(org.id))
        with pytest.raises(DomainError):
            uow.commit()
    assert read(identity, lambda uow: uow.organizations.get(org.id)) is None


def test_a_unit_of_work_commits_again_after_a_commit(identity: IdentityBackend) -> None:
    first, second = user(), user()
    with identity.uow() as uow:
        uow.users.add(first)
        uow.commit()
        uow.users.add(second)
        uow.commit()
    stored = read(identity, lambda uow: [uow.users.get(u.id) for u in (first, second)])
    assert stored == [replace(first, version=1), replace(second, version=1)]
