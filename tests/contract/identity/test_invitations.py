"""Contract: InvitationRepository (pending lists that leave out the expired, closing once)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domains.identity.model import Invitation
from domains.identity.ports import IdentityUnitOfWork
from domains.shared.errors import Conflict
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest

from .conftest import IdentityBackend
from .factories import at, every_page, invitation, read, write

EMAIL = "ada@example.com"
CLOSED = {"accept": "accepted", "revoke": "revoked"}


def _invite(
    identity: IdentityBackend, org_id: str, email: str = EMAIL, days: float = 7
) -> Invitation:
    sent = invitation(org_id, email, expires_in_days=days)
    write(identity, lambda uow: uow.invitations.add(sent))
    return replace(sent, version=1)


def _pending(
    identity: IdentityBackend, org_id: str, now_days: float, limit: int
) -> list[list[Invitation]]:
    now = at(days=now_days)
    return every_page(
        lambda p: read(identity, lambda uow: uow.invitations.list_pending(org_id, now=now, page=p)),
        limit,
    )


def _for_email(identity: IdentityBackend, now_days: float, limit: int) -> list[list[Invitation]]:
    now = at(days=now_days)
    return every_page(
        lambda p: read(
            identity, lambda uow: uow.invitations.list_for_email(EMAIL, now=now, page=p)
        ),
        limit,
    )


def test_an_added_invitation_reads_back_by_id_and_by_token(identity: IdentityBackend) -> None:
    sent = _invite(identity, new_id())
    assert read(identity, lambda uow: uow.invitations.get(sent.org_id, sent.id)) == sent
    assert read(identity, lambda uow: uow.invitations.get_by_token_hash(sent.token_hash)) == sent
    assert read(identity, lambda uow: uow.invitations.get_by_token_hash("unknown")) is None
    assert read(identity, lambda uow: uow.invitations.get(new_id(), sent.id)) is None


def test_list_pending_pages_oldest_first_and_leaves_out_the_expired(
    identity: IdentityBackend,
) -> None:
    org_id = new_id()
    sent = [
        _invite(identity, org_id, f"u{i}@example.com", days=d)
        for i, d in enumerate([9, 2, 8, 7, 3])
    ]
    _invite(identity, new_id(), days=9)  # another organisation's
    pages = _pending(identity, org_id, now_days=2.5, limit=2)
    assert [len(p) for p in pages] == [2, 2]
    assert [i for page in pages for i in page] == [s for s in sent if s.expires_at > at(days=2.5)]
    assert _pending(identity, org_id, now_days=9, limit=2) == [[]]


def test_an_invitation_has_expired_at_its_expiry(identity: IdentityBackend) -> None:
    org_id = new_id()
    sent = _invite(identity, org_id, days=1)
    expiry = sent.expires_at
    for now, expected in ((at(days=1, seconds=-1), sent), (expiry, None)):
        found = read(
            identity, lambda uow, now=now: uow.invitations.pending_for(org_id, EMAIL, now=now)
        )
        assert found == expected
        listed = read(
            identity,
            lambda uow, now=now: uow.invitations.list_for_email(EMAIL, now=now, page=PageRequest()),
        )
        assert list(listed.items) == ([expected] if expected else [])
        pending = read(
            identity,
            lambda uow, now=now: uow.invitations.list_pending(org_id, now=now, page=PageRequest()),
        )
        assert list(pending.items) == ([expected] if expected else [])


def test_list_for_email_pages_soonest_expiry_first_across_organisations(
    identity: IdentityBackend,
) -> None:
    sent = [_invite(identity, new_id(), days=d) for d in (5, 3, 1, 4)]
    _invite(identity, new_id(), "bob@example.com")
    pages = _for_email(identity, now_days=2, limit=2)
    assert [len(p) for p in pages] == [2, 1]
    assert [i for page in pages for i in page] == sorted(
        (s for s in sent if s.expires_at > at(days=2)), key=lambda s: s.expires_at
    )


def test_pending_for_is_the_organisations_pending_invitation(identity: IdentityBackend) -> None:
    org_id, other = new_id(), new_id()
    _invite(identity, other)
    sent = _invite(identity, org_id)
    assert read(identity, lambda uow: uow.invitations.pending_for(org_id, EMAIL, now=at())) == sent
    assert (
        read(identity, lambda uow: uow.invitations.pending_for(new_id(), EMAIL, now=at())) is None
    )
    nobody = read(
        identity, lambda uow: uow.invitations.pending_for(org_id, "bob@example.com", now=at())
    )
    assert nobody is None


def test_accept_closes_the_invitation(identity: IdentityBackend) -> None:
    sent = _invite(identity, new_id())
    user_id = new_id()
    write(identity, lambda uow: uow.invitations.accept(sent, user_id=user_id, at=at(hours=1)))
    accepted = replace(
        sent, status="accepted", accepted_by=user_id, accepted_at=at(hours=1), version=2
    )
    assert read(identity, lambda uow: uow.invitations.get(sent.org_id, sent.id)) == accepted
    assert (
        read(identity, lambda uow: uow.invitations.get_by_token_hash(sent.token_hash)) == accepted
    )
    assert (
        read(identity, lambda uow: uow.invitations.pending_for(sent.org_id, EMAIL, now=at()))
        is None
    )
    assert _pending(identity, sent.org_id, now_days=0, limit=5) == [[]]
    assert _for_email(identity, now_days=0, limit=5) == [[]]


def test_revoke_closes_the_invitation(identity: IdentityBackend) -> None:
    sent = _invite(identity, new_id())
    write(identity, lambda uow: uow.invitations.revoke(sent, at=at(hours=1)))
    revoked = replace(sent, status="revoked", revoked_at=at(hours=1), version=2)
    assert read(identity, lambda uow: uow.invitations.get_by_token_hash(sent.token_hash)) == revoked
    assert _for_email(identity, now_days=0, limit=5) == [[]]


@pytest.mark.parametrize("first", ["accept", "revoke"])
@pytest.mark.parametrize("second", ["accept", "revoke"])
def test_only_a_pending_invitation_can_be_closed(
    identity: IdentityBackend, first: str, second: str
) -> None:
    sent = _invite(identity, new_id())

    def close(uow: IdentityUnitOfWork, how: str) -> None:
        if how == "accept":
            uow.invitations.accept(sent, user_id=new_id(), at=at(hours=1))
        else:
            uow.invitations.revoke(sent, at=at(hours=1))

    write(identity, lambda uow: close(uow, first))
    closed = read(identity, lambda uow: uow.invitations.get(sent.org_id, sent.id))
    with identity.uow() as uow:
        close(uow, second)  # with the copy read while it was pending
        with pytest.raises(Conflict):
            uow.commit()
    assert read(identity, lambda uow: uow.invitations.get(sent.org_id, sent.id)) == closed
    assert closed is not None and closed.status == CLOSED[first]


@pytest.mark.parametrize("listing", ["list_pending", "list_for_email"])
def test_the_next_page_is_read_at_a_later_now(identity: IdentityBackend, listing: str) -> None:
    """Each request of a page passes its own `now` (the service reads its clock each time)."""
    org_id = new_id()
    sent = [_invite(identity, org_id, days=d) for d in (1, 2, 3)]

    def fetch(now_days: float, page: PageRequest) -> Page[Invitation]:
        now = at(days=now_days)
        if listing == "list_pending":
            return read(
                identity, lambda uow: uow.invitations.list_pending(org_id, now=now, page=page)
            )
        return read(identity, lambda uow: uow.invitations.list_for_email(EMAIL, now=now, page=page))

    first = fetch(0, PageRequest(2))
    rest = fetch(0.5, PageRequest(2, first.next_cursor))
    assert [*first.items, *rest.items] == sent and rest.next_cursor is None


def test_what_expires_between_two_pages_is_neither_repeated_nor_skipping(
    identity: IdentityBackend,
) -> None:
    org_id = new_id()
    sent = [_invite(identity, org_id, days=d) for d in (1, 2, 3, 4, 5)]
    first = read(
        identity, lambda uow: uow.invitations.list_for_email(EMAIL, now=at(), page=PageRequest(2))
    )
    later = PageRequest(2, first.next_cursor)
    rest = read(
        identity, lambda uow: uow.invitations.list_for_email(EMAIL, now=at(days=1.5), page=later)
    )
    assert [*first.items, *rest.items] == sent[:4]
