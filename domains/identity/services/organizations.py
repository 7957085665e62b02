"""Organisations and their members: create, read, update, list mine, roles, remove, leave."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domains.identity.model import (
    ApiKey,
    Membership,
    Organization,
    check_name,
    check_role,
    ensure_an_owner_remains,
    keys_beyond,
)
from domains.identity.ports import IdentityUnitOfWork, UnitOfWorkFactory
from domains.shared.audit import audit, tenant_audit
from domains.shared.clock import Clock
from domains.shared.errors import Forbidden
from domains.shared.guards import check_version, found
from domains.shared.ids import new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission, permissions_for
from domains.shared.tenancy import Principal, TenantContext


class OrganizationService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, *, principal: Principal, name: str, description: str = "", request_id: str = ""
    ) -> Organization:
        principal.require_user("create organisations")
        now = self._clock.now()
        org = Organization(
            new_id(),
            check_name(name),
            principal.user_id,
            now,
            now,
            description.strip(),
            member_count=1,
        )
        with self._uow() as uow:
            uow.organizations.add(org)
            uow.memberships.add(Membership(org.id, principal.user_id, "owner", now), count=False)
            uow.audit(
                audit(
                    org_id=org.id,
                    principal=principal,
                    action="organization.create",
                    resource=("organization", org.id),
                    at=now,
                    request_id=request_id,
                )
            )
            uow.commit()
        return replace(org, version=1)

    def get(self, *, ctx: TenantContext) -> Organization:
        ctx.require(Permission.ORG_READ)
        with self._uow() as uow:
            return found(uow.organizations.get(ctx.org_id), "organisation")

    def update(
        self,
        *,
        ctx: TenantContext,
        expected_version: int | None,
        name: str | None = None,
        description: str | None = None,
    ) -> Organization:
        ctx.require(Permission.ORG_WRITE)
        now = self._clock.now()
        with self._uow() as uow:
            org = found(uow.organizations.get(ctx.org_id), "organisation")
            check_version(expected_version, org.version, "organisation")
            changed = replace(
                org,
                name=check_name(name) if name is not None else org.name,
                description=description.strip() if description is not None else org.description,
                updated_at=now,
            )
            uow.organizations.save(changed)
            uow.audit(
                tenant_audit(
                    ctx, action="organization.update", resource=("organization", org.id), at=now
                )
            )
            uow.commit()
        return replace(changed, version=org.version + 1)

    def list_mine(
        self, *, principal: Principal, page: PageRequest
    ) -> Page[tuple[Organization, str]]:
        """My organisations with my role in each: one Query, one BatchGetItem."""
        principal.require_user("list a user's organisations")
        with self._uow() as uow:
            memberships = uow.memberships.list_for_user(principal.user_id, page)
            orgs = {
                o.id: o for o in uow.organizations.get_many([m.org_id for m in memberships.items])
            }
        items = [(orgs[m.org_id], m.role) for m in memberships.items if m.org_id in orgs]
        return Page(items, memberships.next_cursor)


class MembershipService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def list(self, *, ctx: TenantContext, page: PageRequest) -> Page[Membership]:
        ctx.require(Permission.MEMBER_READ)
        with self._uow() as uow:
            return uow.memberships.list_members(ctx.org_id, page)

    def change_role(
        self, *, ctx: TenantContext, user_id: str, role: str, expected_version: int | None = None
    ) -> Membership:
        ctx.require(Permission.MEMBER_MANAGE)
        check_role(role)
        if role == "owner" and ctx.role != "owner":
            raise Forbidden("only an owner can make another member owner")
        now = self._clock.now()
        with self._uow() as uow:
            member = found(uow.memberships.get(ctx.org_id, user_id), "member")
            check_version(expected_version, member.version, "membership")
            if member.role == "owner" and role != "owner":
                ensure_an_owner_remains(uow.memberships.owners(ctx.org_id), member)
            changed = member.with_role(role)
            uow.memberships.save(changed)
            usable = uow.api_keys.usable_created_by(ctx.org_id, user_id, now=now)
            revoked = _revoke(uow, keys_beyond(usable, permissions_for(role)), now)
            uow.audit(
                tenant_audit(
                    ctx,
                    action="member.change_role",
                    resource=("member", user_id),
                    at=now,
                    role=role,
                    **revoked,
                )
            )
            uow.commit()
        return replace(changed, version=member.version + 1)

    def remove(self, *, ctx: TenantContext, user_id: str) -> None:
        # Only the user may leave; an API key acting for them removes, with the permission.
        leaving = user_id == ctx.principal.user_id and ctx.principal.api_key_id is None
        if not leaving:
            ctx.require(Permission.MEMBER_MANAGE)
        now = self._clock.now()
        with self._uow() as uow:
            member = found(uow.memberships.get(ctx.org_id, user_id), "member")
            ensure_an_owner_remains(uow.memberships.owners(ctx.org_id), member)
            uow.memberships.remove(member)
            revoked = _revoke(
                uow, uow.api_keys.usable_created_by(ctx.org_id, user_id, now=now), now
            )
            action = "member.leave" if leaving else "member.remove"
            uow.audit(
                tenant_audit(
                    ctx,
                    action=action,
                    resource=("member", user_id),
                    at=now,
                    **revoked,
                )
            )
            uow.commit()


def _revoke(uow: IdentityUnitOfWork, keys: list[ApiKey], at: datetime) -> dict[str, list[str]]:
    """Stage the revocation of `keys` in the member change's own transaction: a key acts for
    its creator, so it stops when they leave and never outranks their role. The audit details
    naming them (none when there were none)."""
    for key in keys:
        uow.api_keys.revoke(key, at)
    return {"revoked_api_keys": sorted(k.id for k in keys)} if keys else {}
