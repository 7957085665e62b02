"""API keys on in-memory fakes: create, list, revoke, authenticate, and the key's tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domains.identity.model import Membership, parse_api_key_token
from domains.identity.services.api_keys import ApiKeyService
from domains.identity.services.auth import ProfileService
from domains.identity.services.organizations import MembershipService, OrganizationService
from domains.identity.services.tenancy import MembershipTenantResolver
from domains.identity.services.tokens import digest
from domains.shared.clock import FixedClock
from domains.shared.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from domains.shared.ids import new_id
from domains.shared.pagination import PageRequest
from domains.shared.tenancy import API_KEY_ROLE, Principal, TenantContext
from tests.fakes.identity import InMemoryIdentityUnitOfWork, Store

ORG, OTHER_ORG, OWNER, VIEWER = new_id(), new_id(), new_id(), new_id()


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    store, clock = Store(), FixedClock()

    def uow() -> InMemoryIdentityUnitOfWork:
        return InMemoryIdentityUnitOfWork(store)

    for user, role in ((OWNER, "owner"), (VIEWER, "viewer")):
        store.members[(ORG, user)] = Membership(ORG, user, role, clock.now(), version=1)
    resolver = MembershipTenantResolver(uow=uow)
    return {
        "store": store,
        "clock": clock,
        "uow": uow,
        "keys": ApiKeyService(uow=uow, clock=clock),
        "tenancy": resolver,
        "owner": resolver.resolve(Principal(OWNER), ORG, "req-1"),
        "viewer": resolver.resolve(Principal(VIEWER), ORG),
    }


def _create(world, ctx=None, permissions=("org:read",), **kw):  # type: ignore[no-untyped-def]
    return world["keys"].create(
        ctx=ctx or world["owner"], name=kw.pop("name", "ci"), permissions=list(permissions), **kw
    )


def test_create_shows_the_secret_once_and_stores_only_its_hash(world):  # type: ignore[no-untyped-def]
    issued = _create(world, permissions=["org:read", "member:read", "org:read"])
    org_id, key_id, secret = parse_api_key_token(issued.token) or ("", "", "")
    assert (org_id, key_id) == (ORG, issued.key.id)
    assert issued.token.startswith(f"nxk_{ORG}_{issued.key.id}_")
    stored = world["store"].api_keys[(ORG, key_id)]
    assert stored.secret_hash == digest(secret) and secret not in repr(stored)
    assert stored.permissions == {"org:read", "member:read"} and stored.created_by == OWNER
    assert stored.version == issued.key.version == 1
    [entry] = world["store"].audit
    assert (entry.action, entry.resource_id, entry.actor_id) == ("apikey.create", key_id, OWNER)
    assert entry.request_id == "req-1" and entry.details["permissions"] == sorted(
        ["org:read", "member:read"]
    )


@pytest.mark.parametrize(
    ("name", "permissions", "loc"),
    [
        ("", ["org:read"], "name"),
        ("   ", ["org:read"], "name"),
        ("x" * 121, ["org:read"], "name"),
        ("ci", ["org:read", "org:fly"], "permissions"),
        ("ci", [], "permissions"),
    ],
)
def test_bad_names_and_permissions_are_422(world, name, permissions, loc):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as raised:
        _create(world, name=name, permissions=permissions)
    assert raised.value.errors[0]["loc"][0] == loc
    assert world["store"].api_keys == {} and world["store"].audit == []


def test_expiry_must_be_in_the_future_and_a_zoneless_one_is_utc(world):  # type: ignore[no-untyped-def]
    now = world["clock"].now()
    with pytest.raises(ValidationFailed):
        _create(world, expires_at=now)
    naive = (now + timedelta(days=1)).replace(tzinfo=None)
    assert _create(world, expires_at=naive).key.expires_at == now + timedelta(days=1)


def test_managing_keys_needs_apikey_manage(world):  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden, match="apikey:manage"):
        _create(world, ctx=world["viewer"])
    with pytest.raises(Forbidden):
        world["keys"].list(ctx=world["viewer"], page=PageRequest())
    key = _create(world).key
    with pytest.raises(Forbidden):
        world["keys"].revoke(ctx=world["viewer"], key_id=key.id)


def test_a_key_cannot_grant_more_than_its_creator_has(world):  # type: ignore[no-untyped-def]
    admin = TenantContext(ORG, Principal(OWNER), "admin", frozenset({"apikey:manage", "org:read"}))
    with pytest.raises(Forbidden, match="org:delete"):
        _create(world, ctx=admin, permissions=["org:read", "org:delete"])
    assert _create(world, ctx=admin, permissions=["org:read"]).key.permissions == {"org:read"}


def test_list_is_newest_first_and_revoke_is_audited_once(world):  # type: ignore[no-untyped-def]
    first, second = _create(world, name="one").key, _create(world, name="two").key
    listed = world["keys"].list(ctx=world["owner"], page=PageRequest()).items
    assert [k.id for k in listed] == [second.id, first.id]
    world["clock"].advance(minutes=5)
    world["keys"].revoke(ctx=world["owner"], key_id=first.id)
    world["keys"].revoke(ctx=world["owner"], key_id=first.id)  # already revoked: no change
    assert world["store"].api_keys[(ORG, first.id)].revoked_at == world["clock"].now()
    actions = [e.action for e in world["store"].audit]
    assert actions == ["apikey.create", "apikey.create", "apikey.revoke"]


def test_revoking_an_unknown_or_foreign_key_is_404(world):  # type: ignore[no-untyped-def]
    key = _create(world).key
    elsewhere = TenantContext(OTHER_ORG, Principal(OWNER), "owner", world["owner"].permissions)
    for ctx, key_id in ((world["owner"], new_id()), (world["owner"], "x"), (elsewhere, key.id)):
        with pytest.raises(NotFound):
            world["keys"].revoke(ctx=ctx, key_id=key_id)


def test_authenticate_gives_the_creator_with_the_keys_grant(world):  # type: ignore[no-untyped-def]
    issued = _create(world, permissions=["org:read", "member:read"])
    principal = world["keys"].authenticate(issued.token)
    assert principal == Principal(user_id=OWNER, api_key_id=issued.key.id)
    assert principal.key_grant is not None and principal.key_grant.org_id == ORG
    assert principal.key_grant.permissions == {"org:read", "member:read"}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: t.replace("nxk_", "nxx_"),
        lambda t: t.rsplit("_", 1)[0] + "_",  # no secret
        lambda t: f"nxk_{new_id()}_{t.split('_')[2]}_{t.split('_', 3)[3]}",  # other org
        lambda t: f"nxk_not-an-id_{t.split('_', 2)[2]}",
        lambda t: t + "x" * 300,
    ],
)
def test_authenticate_refuses_anything_but_the_exact_key(world, mangle):  # type: ignore[no-untyped-def]
    token = _create(world).token
    with pytest.raises(Unauthenticated):
        world["keys"].authenticate(mangle(token))


def test_revoked_and_expired_keys_no_longer_authenticate(world):  # type: ignore[no-untyped-def]
    clock = world["clock"]
    revoked = _create(world)
    expiring = _create(world, expires_at=clock.now() + timedelta(hours=1))
    world["keys"].revoke(ctx=world["owner"], key_id=revoked.key.id)
    with pytest.raises(Unauthenticated, match="revoked or expired"):
        world["keys"].authenticate(revoked.token)
    assert world["keys"].authenticate(expiring.token).api_key_id == expiring.key.id
    clock.advance(hours=1)
    with pytest.raises(Unauthenticated, match="revoked or expired"):
        world["keys"].authenticate(expiring.token)


def test_a_keys_tenant_is_its_own_org_with_its_permissions_and_no_read(world):  # type: ignore[no-untyped-def]
    principal = world["keys"].authenticate(_create(world, permissions=["org:read"]).token)
    world["store"].members.clear()  # the key's tenant does not depend on a membership read
    ctx = world["tenancy"].resolve(principal, ORG, "req-9")
    assert (ctx.org_id, ctx.role, ctx.permissions) == (ORG, API_KEY_ROLE, {"org:read"})
    assert ctx.request_id == "req-9" and ctx.principal is principal
    with pytest.raises(NotFound):
        world["tenancy"].resolve(principal, OTHER_ORG)
    with pytest.raises(NotFound):  # a key principal that carries no grant acts nowhere
        world["tenancy"].resolve(Principal(OWNER, api_key_id=principal.api_key_id), ORG)


def test_a_key_cannot_mint_keys_even_with_apikey_manage(world):  # type: ignore[no-untyped-def]
    principal = world["keys"].authenticate(_create(world, permissions=["apikey:manage"]).token)
    ctx = world["tenancy"].resolve(principal, ORG)
    with pytest.raises(Forbidden, match="API keys cannot"):
        _create(world, ctx=ctx)
    assert len(world["keys"].list(ctx=ctx, page=PageRequest()).items) == 1


def test_revocation_by_a_key_is_audited_as_the_key(world):  # type: ignore[no-untyped-def]
    issued = _create(world, permissions=["apikey:manage"])
    ctx = world["tenancy"].resolve(world["keys"].authenticate(issued.token), ORG)
    world["keys"].revoke(ctx=ctx, key_id=issued.key.id)
    assert world["store"].audit[-1].actor_id == f"apikey:{issued.key.id}"


def test_expiry_times_are_kept_in_utc(world):  # type: ignore[no-untyped-def]
    later = datetime(2026, 6, 1, 12, tzinfo=UTC).astimezone()
    assert _create(world, expires_at=later).key.expires_at.tzinfo == UTC  # type: ignore[union-attr]


def test_a_key_reaches_no_user_level_action_and_cannot_leave_for_its_creator(world):  # type: ignore[no-untyped-def]
    principal = world["keys"].authenticate(_create(world, permissions=["org:read"]).token)
    uow, clock = world["uow"], world["clock"]
    orgs = OrganizationService(uow=uow, clock=clock)
    with pytest.raises(Forbidden):
        orgs.create(principal=principal, name="Side org")
    with pytest.raises(Forbidden):
        orgs.list_mine(principal=principal, page=PageRequest())
    with pytest.raises(Forbidden):
        ProfileService(uow=uow, clock=clock).get(principal=principal)
    ctx = world["tenancy"].resolve(principal, ORG)
    with pytest.raises(Forbidden, match="member:manage"):
        MembershipService(uow=uow, clock=clock).remove(ctx=ctx, user_id=OWNER)
    assert (ORG, OWNER) in world["store"].members
