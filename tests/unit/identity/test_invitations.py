"""Invitations on in-memory fakes: who may invite whom, accept once, expiry, revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from domains.identity.model import Membership, User
from domains.identity.services.invitations import InvitationService
from domains.identity.services.organizations import OrganizationService
from domains.identity.services.tenancy import MembershipTenantResolver
from domains.identity.services.tokens import digest
from domains.shared.clock import FixedClock
from domains.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal, TenantContext
from tests.fakes.identity import InMemoryIdentityUnitOfWork, Store

PAGE = PageRequest()


@dataclass
class World:
    store: Store
    clock: FixedClock
    invitations: InvitationService
    orgs: OrganizationService
    tenancy: MembershipTenantResolver
    org_id: str = ""

    def user(self, user_id: str, email: str) -> Principal:
        now = self.clock.now()
        self.store.users[user_id] = User(user_id, email, user_id, "x", now, now, version=1)
        return Principal(user_id)

    def member(self, principal: Principal, role: str) -> TenantContext:
        uow = InMemoryIdentityUnitOfWork(self.store)
        with uow:
            uow.memberships.add(Membership(self.org_id, principal.user_id, role, self.clock.now()))
            uow.commit()
        return self.ctx(principal)

    def ctx(self, principal: Principal) -> TenantContext:
        return self.tenancy.resolve(principal, self.org_id)

    def actions(self) -> list[str]:
        return [e.action for e in self.store.audit]

    def member_count(self) -> int:
        return self.store.orgs[self.org_id].member_count


@pytest.fixture
def world() -> World:
    store, clock = Store(), FixedClock()

    def uow() -> InMemoryIdentityUnitOfWork:
        return InMemoryIdentityUnitOfWork(store)

    w = World(
        store,
        clock,
        InvitationService(uow=uow, clock=clock, ttl=timedelta(days=7)),
        OrganizationService(uow=uow, clock=clock),
        MembershipTenantResolver(uow=uow),
    )
    owner = w.user("OWNER", "owner@example.com")
    w.org_id = w.orgs.create(principal=owner, name="Acme").id
    return w


@pytest.fixture
def owner(world: World) -> TenantContext:
    return world.ctx(Principal("OWNER"))


def test_the_token_is_shown_once_and_kept_only_as_its_digest(world, owner) -> None:
    issued = world.invitations.create(ctx=owner, email=" Bob@Example.com ", role="member")
    invitation = issued.invitation
    assert (invitation.email, invitation.role, invitation.status) == (
        "bob@example.com",
        "member",
        "pending",
    )
    assert invitation.expires_at == world.clock.now() + timedelta(days=7)
    assert world.store.invitations[(world.org_id, invitation.id)].token_hash == digest(issued.token)
    assert issued.token not in repr(world.store)
    assert world.actions() == ["organization.create", "invitation.create"]
    listed = world.invitations.list_pending(ctx=owner, page=PAGE).items
    assert [i.id for i in listed] == [invitation.id]


def test_accepting_joins_with_the_role_once(world, owner) -> None:
    token = world.invitations.create(ctx=owner, email="bob@example.com", role="admin").token
    bob = world.user("BOB", "bob@example.com")
    assert [i.org_id for i, _ in world.invitations.list_mine(principal=bob, page=PAGE).items] == [
        world.org_id
    ]

    joined = world.invitations.accept(principal=bob, token=token)

    assert (joined.org_id, joined.role) == (world.org_id, "admin")
    assert world.ctx(bob).role == "admin"
    assert world.member_count() == 2
    stored = next(iter(world.store.invitations.values()))
    assert (stored.status, stored.accepted_by) == ("accepted", "BOB")
    assert world.actions()[-1] == "invitation.accept"
    with pytest.raises(Conflict, match="already accepted"):
        world.invitations.accept(principal=bob, token=token)
    assert world.member_count() == 2
    assert world.actions().count("invitation.accept") == 1
    assert world.invitations.list_pending(ctx=owner, page=PAGE).items == []
    assert world.invitations.list_mine(principal=bob, page=PAGE).items == []


def test_only_the_addressee_can_accept(world, owner) -> None:
    token = world.invitations.create(ctx=owner, email="bob@example.com", role="member").token
    eve = world.user("EVE", "eve@example.com")
    with pytest.raises(Forbidden, match="another e-mail"):
        world.invitations.accept(principal=eve, token=token)
    with pytest.raises(NotFound):
        world.invitations.accept(principal=eve, token="not-a-token")
    with pytest.raises(Forbidden):
        world.invitations.accept(principal=Principal("BOB", api_key_id="K1"), token=token)
    assert world.member_count() == 1


def test_an_expired_invitation_cannot_be_accepted_nor_is_listed(world, owner) -> None:
    token = world.invitations.create(ctx=owner, email="bob@example.com", role="member").token
    bob = world.user("BOB", "bob@example.com")
    world.clock.advance(days=7)
    with pytest.raises(NotFound, match="expired"):
        world.invitations.accept(principal=bob, token=token)
    assert world.invitations.list_pending(ctx=owner, page=PAGE).items == []
    assert world.invitations.list_mine(principal=bob, page=PAGE).items == []
    assert world.member_count() == 1
    # an expired invitation no longer blocks a new one
    world.invitations.create(ctx=owner, email="bob@example.com", role="member")


def test_a_revoked_invitation_answers_conflict(world, owner) -> None:
    issued = world.invitations.create(ctx=owner, email="bob@example.com", role="member")
    world.invitations.revoke(ctx=owner, invitation_id=issued.invitation.id)
    world.invitations.revoke(ctx=owner, invitation_id=issued.invitation.id)  # no change
    bob = world.user("BOB", "bob@example.com")
    with pytest.raises(Conflict, match="revoked"):
        world.invitations.accept(principal=bob, token=issued.token)
    assert world.actions().count("invitation.revoke") == 1
    assert world.invitations.list_pending(ctx=owner, page=PAGE).items == []
    # once revoked, the same address can be invited again
    world.invitations.create(ctx=owner, email="bob@example.com", role="viewer")


def test_an_accepted_invitation_cannot_be_revoked(world, owner) -> None:
    issued = world.invitations.create(ctx=owner, email="bob@example.com", role="member")
    world.invitations.accept(principal=world.user("BOB", "bob@example.com"), token=issued.token)
    with pytest.raises(Conflict, match="already accepted"):
        world.invitations.revoke(ctx=owner, invitation_id=issued.invitation.id)
    with pytest.raises(NotFound):
        world.invitations.revoke(ctx=owner, invitation_id="01J00000000000000000000000")


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_invite_or_see_invitations(world, role) -> None:
    ctx = world.member(world.user("U", "u@example.com"), role)
    with pytest.raises(Forbidden):
        world.invitations.create(ctx=ctx, email="x@example.com", role="viewer")
    with pytest.raises(Forbidden):
        world.invitations.list_pending(ctx=ctx, page=PAGE)


def test_only_an_owner_invites_an_owner(world, owner) -> None:
    admin = world.member(world.user("ADM", "adm@example.com"), "admin")
    with pytest.raises(Forbidden, match="owner"):
        world.invitations.create(ctx=admin, email="x@example.com", role="owner")
    world.invitations.create(ctx=admin, email="x@example.com", role="admin")
    world.invitations.create(ctx=owner, email="y@example.com", role="owner")


def test_bad_input_members_and_duplicates_are_refused(world, owner) -> None:
    with pytest.raises(ValidationFailed):
        world.invitations.create(ctx=owner, email="not an e-mail", role="member")
    with pytest.raises(ValidationFailed):
        world.invitations.create(ctx=owner, email="x@example.com", role="king")
    with pytest.raises(Conflict, match="already a member"):
        world.invitations.create(ctx=owner, email="OWNER@example.com", role="member")
    world.invitations.create(ctx=owner, email="x@example.com", role="member")
    with pytest.raises(Conflict, match="pending invitation"):
        world.invitations.create(ctx=owner, email="x@example.com", role="admin")


def test_a_member_already_in_cannot_accept_again_by_another_invitation(world, owner) -> None:
    token = world.invitations.create(ctx=owner, email="bob@example.com", role="viewer").token
    world.member(world.user("BOB", "bob@example.com"), "member")
    with pytest.raises(Conflict, match="already a member"):
        world.invitations.accept(principal=Principal("BOB"), token=token)
    assert world.member_count() == 2
