"""Identity services on in-memory fakes: no I/O, milliseconds per test."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domains.identity.services.auth import AuthService, ClientInfo
from domains.identity.services.organizations import MembershipService, OrganizationService
from domains.identity.services.tenancy import MembershipTenantResolver
from domains.shared.clock import FixedClock
from domains.shared.errors import Conflict, Forbidden, NotFound, Throttled, Unauthenticated
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import Principal
from tests.fakes.identity import (
    CountingThrottle,
    FakeTokens,
    InMemoryIdentityUnitOfWork,
    PlainHasher,
    Store,
)

CLIENT = ClientInfo(ip="10.0.0.9", user_agent="pytest")
PASSWORD = "long enough 123"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    store, clock = Store(), FixedClock()

    def uow() -> InMemoryIdentityUnitOfWork:
        return InMemoryIdentityUnitOfWork(store)

    auth = AuthService(
        uow=uow,
        hasher=PlainHasher(),
        tokens=FakeTokens(),
        throttle=CountingThrottle(),
        clock=clock,
        refresh_ttl=timedelta(days=30),
    )
    return {
        "store": store,
        "clock": clock,
        "auth": auth,
        "orgs": OrganizationService(uow=uow, clock=clock),
        "members": MembershipService(uow=uow, clock=clock),
        "tenancy": MembershipTenantResolver(uow=uow),
    }


def test_registration_is_audited_and_email_unique(world):  # type: ignore[no-untyped-def]
    world["auth"].register(
        email="Ada@Example.com", password=PASSWORD, display_name="", client=CLIENT
    )
    with pytest.raises(Conflict):
        world["auth"].register(
            email="ada@example.com", password=PASSWORD, display_name="", client=CLIENT
        )
    assert [e.action for e in world["store"].audit] == ["user.register"]
    assert next(iter(world["store"].users.values())).display_name == "ada"


def test_refresh_expires_with_the_session(world):  # type: ignore[no-untyped-def]
    world["auth"].register(email="a@example.com", password=PASSWORD, display_name="", client=CLIENT)
    pair = world["auth"].login(email="a@example.com", password=PASSWORD, client=CLIENT)
    world["clock"].advance(days=31)
    with pytest.raises(Unauthenticated, match="expired"):
        world["auth"].refresh(refresh_token=pair.refresh_token, client=CLIENT)


def test_reuse_revokes_the_family(world):  # type: ignore[no-untyped-def]
    world["auth"].register(email="a@example.com", password=PASSWORD, display_name="", client=CLIENT)
    first = world["auth"].login(email="a@example.com", password=PASSWORD, client=CLIENT)
    second = world["auth"].refresh(refresh_token=first.refresh_token, client=CLIENT)
    with pytest.raises(Unauthenticated, match="reused"):
        world["auth"].refresh(refresh_token=first.refresh_token, client=CLIENT)
    assert all(s.revoked_at for s in world["store"].sessions.values())
    with pytest.raises(Unauthenticated):
        world["auth"].refresh(refresh_token=second.refresh_token, client=CLIENT)


def test_throttle_counts_failures_per_address_too(world):  # type: ignore[no-untyped-def]
    for i in range(5):
        with pytest.raises(Unauthenticated):
            world["auth"].login(email=f"nobody{i}@example.com", password="x", client=CLIENT)
    with pytest.raises(Throttled):
        world["auth"].login(email="someone@example.com", password="x", client=CLIENT)


def test_tenancy_hides_other_organisations_and_roles_gate_changes(world):  # type: ignore[no-untyped-def]
    owner, stranger = Principal("U1"), Principal("U2")
    org = world["orgs"].create(principal=owner, name="Acme")
    with pytest.raises(NotFound):
        world["tenancy"].resolve(stranger, org.id)
    ctx = world["tenancy"].resolve(owner, org.id)
    assert world["orgs"].get(ctx=ctx).member_count == 1
    with pytest.raises(Conflict):
        world["members"].remove(ctx=ctx, user_id="U1")
    from datetime import UTC, datetime

    from domains.identity.model import Membership

    uow = InMemoryIdentityUnitOfWork(world["store"])
    with uow:
        uow.memberships.add(Membership(org.id, "U2", "viewer", datetime.now(UTC)))
        uow.commit()
    viewer = world["tenancy"].resolve(stranger, org.id)
    with pytest.raises(Forbidden):
        world["orgs"].update(ctx=viewer, expected_version=None, name="Mine")
    assert [m.user_id for m in world["members"].list(ctx=viewer, page=PageRequest()).items] == [
        "U1",
        "U2",
    ]


def test_access_tokens_carry_the_staff_flag_read_again_on_refresh(world):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    tokens = FakeTokens()
    user = world["auth"].register(
        email="s@example.com", password=PASSWORD, display_name="", client=CLIENT
    )
    plain = world["auth"].login(email="s@example.com", password=PASSWORD, client=CLIENT)
    assert not tokens.verify(plain.access_token).is_staff

    def flip(**changes: bool) -> None:
        uow = InMemoryIdentityUnitOfWork(world["store"])
        with uow:
            uow.users.save(replace(world["store"].users[user.id], **changes))
            uow.commit()

    flip(is_staff=True)
    staff = world["auth"].login(email="s@example.com", password=PASSWORD, client=CLIENT)
    assert tokens.verify(staff.access_token).is_staff
    flip(is_staff=False)
    demoted = world["auth"].refresh(refresh_token=staff.refresh_token, client=CLIENT)
    assert not tokens.verify(demoted.access_token).is_staff
    flip(is_active=False)
    with pytest.raises(Unauthenticated, match="disabled"):
        world["auth"].refresh(refresh_token=demoted.refresh_token, client=CLIENT)
