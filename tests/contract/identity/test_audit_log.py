"""Contract: audit entries written by the unit of work, read by the AuditLogReader."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.ports import AuditFilter, IdentityUnitOfWork
from domains.shared.audit import AuditEntry
from domains.shared.errors import PreconditionFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest

from .conftest import IdentityBackend
from .factories import at, entry, every_page, user, write

ORG = new_id()


def _listed(identity: IdentityBackend, filter: AuditFilter, org_id: str = ORG) -> list[AuditEntry]:
    pages = every_page(lambda p: identity.audit_log.list(org_id, filter, p), 2)
    return [e for page in pages for e in page]


@pytest.fixture
def history(identity: IdentityBackend) -> list[AuditEntry]:
    """Six entries a minute apart in ORG, oldest first (and one elsewhere, left out)."""
    rows = [
        ("ada", "organization.create"),
        ("bob", "member.change_role"),
        ("ada", "member.change_role"),
        ("ada", "organization.update"),
        ("bob", "member.leave"),
        ("ada", "member.change_role"),
    ]
    entries = [
        replace(entry(ORG, a, x, minutes=i), details={"n": str(i)}) for i, (a, x) in enumerate(rows)
    ]
    for e in [*entries, entry(new_id(), "ada", "member.change_role")]:
        write(identity, lambda uow, e=e: uow.audit(e))
    return entries


def test_an_entry_is_committed_with_the_change(identity: IdentityBackend) -> None:
    ada = user()
    recorded = entry(ORG, ada.id, "user.register")

    def stage(uow: IdentityUnitOfWork) -> None:
        uow.users.add(ada)
        uow.audit(recorded)
        assert list(identity.audit_log.list(ORG, AuditFilter(), PageRequest()).items) == []

    write(identity, stage)
    assert _listed(identity, AuditFilter()) == [recorded]


def test_no_entry_when_the_transaction_fails(identity: IdentityBackend) -> None:
    ada = user()
    write(identity, lambda uow: uow.users.add(ada))
    with identity.uow() as uow:
        uow.audit(entry(ORG, ada.id, "user.update"))
        uow.users.save(ada)  # version 0: stale
        with pytest.raises(PreconditionFailed):
            uow.commit()
    assert _listed(identity, AuditFilter()) == []


def test_no_entry_when_the_unit_of_work_is_left_uncommitted(identity: IdentityBackend) -> None:
    with identity.uow() as uow:
        uow.audit(entry(ORG, "ada", "user.update"))
    assert _listed(identity, AuditFilter()) == []


def test_the_log_pages_newest_first(identity: IdentityBackend, history: list[AuditEntry]) -> None:
    pages = every_page(lambda p: identity.audit_log.list(ORG, AuditFilter(), p), 4)
    assert [len(p) for p in pages] == [4, 2]
    assert [e for page in pages for e in page] == history[::-1]


@pytest.mark.parametrize(
    "wanted",
    [
        AuditFilter(actor_id="ada"),
        AuditFilter(action="member.change_role"),
        AuditFilter(actor_id="ada", action="member.change_role"),
        AuditFilter(actor_id="nobody"),
    ],
    ids=["actor", "action", "actor-and-action", "no-match"],
)
def test_filters_by_actor_and_action(
    identity: IdentityBackend, history: list[AuditEntry], wanted: AuditFilter
) -> None:
    expected = [
        e
        for e in history[::-1]
        if wanted.actor_id in (None, e.actor_id) and wanted.action in (None, e.action)
    ]
    assert _listed(identity, wanted) == expected


@pytest.mark.parametrize(
    ("since", "until", "minutes"),
    [(1, 3, [3, 2, 1]), (4, None, [5, 4]), (None, 0, [0]), (2.5, 2.9, [])],
)
def test_a_time_range_includes_both_ends(
    identity: IdentityBackend,
    history: list[AuditEntry],
    since: float | None,
    until: float | None,
    minutes: list[int],
) -> None:
    wanted = AuditFilter(
        since=None if since is None else at(minutes=since),
        until=None if until is None else at(minutes=until),
    )
    assert _listed(identity, wanted) == [history[m] for m in minutes]
    narrowed = replace(wanted, actor_id="ada")
    assert _listed(identity, narrowed) == [
        history[m] for m in minutes if history[m].actor_id == "ada"
    ]


def test_another_organisations_log_is_its_own(
    identity: IdentityBackend, history: list[AuditEntry]
) -> None:
    theirs = entry(new_id(), "ada", "organization.create")
    write(identity, lambda uow: uow.audit(theirs))
    assert _listed(identity, AuditFilter(), org_id=theirs.org_id) == [theirs]
    assert _listed(identity, AuditFilter(actor_id="ada"), org_id=new_id()) == []
