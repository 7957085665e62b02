"""Invitations: invite by e-mail with a role, list and revoke them, accept one by its token."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domains.identity.model import (
    Invitation,
    Membership,
    Organization,
    check_role,
    normalise_email,
)
from domains.identity.ports import IdentityUnitOfWork, UnitOfWorkFactory
from domains.identity.services.tokens import digest, new_secret
from domains.shared.audit import audit, tenant_audit
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, Forbidden, NotFound
from domains.shared.events import DomainEvent
from domains.shared.guards import found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import Principal, TenantContext

DEFAULT_TTL = timedelta(days=7)
UNKNOWN_TOKEN = "invitation not found or expired"


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation and its token: the only time the token is seen in clear."""

    invitation: Invitation
    token: str


def _whole_seconds(moment: datetime) -> datetime:
    """Expiry is stored as epoch seconds (the TTL attribute): keep what will be read back."""
    return moment.replace(microsecond=0)


def member_joined(org_id: str, user_id: str, role: str, at: datetime) -> DomainEvent:
    """`MemberJoined`: a user joined an organisation by accepting an invitation (its creator
    is its first member, not a joiner). The member is the resource and the actor."""
    return DomainEvent("MemberJoined", org_id, user_id, "member", user_id, at, {"role": role})


class InvitationService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, clock: Clock, ttl: timedelta = DEFAULT_TTL
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ttl = ttl

    def create(self, *, ctx: TenantContext, email: str, role: str) -> IssuedInvitation:
        """Invite `email` with `role`; only an owner can invite an owner."""
        ctx.require(Permission.MEMBER_INVITE)
        check_role(role)
        if role == "owner" and ctx.role != "owner":
            raise Forbidden("only an owner can invite an owner")
        email = normalise_email(email)
        now = self._clock.now()
        token = new_secret()
        invitation = Invitation(
            new_id(),
            ctx.org_id,
            email,
            role,
            ctx.principal.user_id,
            digest(token),
            now,
            _whole_seconds(now + self._ttl),
        )
        with self._uow() as uow:
            self._ensure_not_member_nor_invited(uow, ctx.org_id, email, now)
            uow.invitations.add(invitation)
            uow.audit(
                tenant_audit(
                    ctx,
                    action="invitation.create",
                    resource=("invitation", invitation.id),
                    at=now,
                    email=email,
                    role=role,
                )
            )
            uow.commit()
        return IssuedInvitation(replace(invitation, version=1), token)

    def list_pending(self, *, ctx: TenantContext, page: PageRequest) -> Page[Invitation]:
        ctx.require(Permission.MEMBER_INVITE)
        with self._uow() as uow:
            return uow.invitations.list_pending(ctx.org_id, now=self._clock.now(), page=page)

    def revoke(self, *, ctx: TenantContext, invitation_id: str) -> None:
        """Revoke a pending invitation; revoking a revoked one again changes nothing."""
        ctx.require(Permission.MEMBER_INVITE)
        now = self._clock.now()
        with self._uow() as uow:
            invitation = found(
                uow.invitations.get(ctx.org_id, invitation_id)
                if is_valid_id(invitation_id)
                else None,
                "invitation",
            )
            if invitation.status == "revoked":
                return
            invitation.ensure_acceptable(now)
            uow.invitations.revoke(invitation, at=now)
            uow.audit(
                tenant_audit(
                    ctx,
                    action="invitation.revoke",
                    resource=("invitation", invitation.id),
                    at=now,
                )
            )
            uow.commit()

    def accept(self, *, principal: Principal, token: str, request_id: str = "") -> Membership:
        """Join the invitation's organisation with its role: the invitation is marked accepted,
        the membership added and the member count ADDed in one transaction."""
        principal.require_user("accept invitations")
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(principal.user_id)
            invitation = uow.invitations.get_by_token_hash(digest(token)) if token else None
            if user is None or invitation is None:
                raise NotFound(UNKNOWN_TOKEN)
            if invitation.email != user.email:
                raise Forbidden("this invitation is addressed to another e-mail address")
            invitation.ensure_acceptable(now)
            if uow.memberships.get(invitation.org_id, user.id) is not None:
                raise Conflict("you are already a member of this organisation")
            membership = Membership(invitation.org_id, user.id, invitation.role, now)
            uow.invitations.accept(invitation, user_id=user.id, at=now)
            uow.memberships.add(membership)
            uow.publish(member_joined(invitation.org_id, user.id, invitation.role, now))
            uow.audit(
                audit(
                    org_id=invitation.org_id,
                    principal=principal,
                    action="invitation.accept",
                    resource=("invitation", invitation.id),
                    at=now,
                    request_id=request_id,
                    role=invitation.role,
                )
            )
            uow.commit()
        return replace(membership, version=1)

    def list_mine(
        self, *, principal: Principal, page: PageRequest
    ) -> Page[tuple[Invitation, Organization]]:
        """Pending invitations addressed to my e-mail, with their organisations."""
        # A key is bound to one organisation: other organisations' invitations are not its own.
        principal.require_user("list a user's invitations")
        with self._uow() as uow:
            user = found(uow.users.get(principal.user_id), "user")
            invited = uow.invitations.list_for_email(user.email, now=self._clock.now(), page=page)
            orgs = {o.id: o for o in uow.organizations.get_many([i.org_id for i in invited.items])}
        items = [(i, orgs[i.org_id]) for i in invited.items if i.org_id in orgs]
        return Page(items, invited.next_cursor)

    @staticmethod
    def _ensure_not_member_nor_invited(
        uow: IdentityUnitOfWork, org_id: str, email: str, now: datetime
    ) -> None:
        user = uow.users.get_by_email(email)
        if user is not None and uow.memberships.get(org_id, user.id) is not None:
            raise Conflict("a user with this e-mail is already a member")
        if uow.invitations.pending_for(org_id, email, now=now) is not None:
            raise Conflict("this e-mail has a pending invitation; revoke it to send a new one")
