"""Organisation API keys: create (the secret shown once), list, revoke, authenticate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domains.identity.model import (
    MAX_USABLE_KEYS_PER_MEMBER,
    ApiKey,
    api_key_token,
    check_expiry,
    check_name,
    check_permissions,
    parse_api_key_token,
)
from domains.identity.ports import UnitOfWorkFactory
from domains.identity.services.tokens import digest, matches, new_secret
from domains.shared.audit import AuditEntry, tenant_audit
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, Forbidden, Unauthenticated
from domains.shared.guards import found
from domains.shared.ids import is_valid_id, new_id
from domains.shared.pagination import Page, PageRequest
from domains.shared.permissions import Permission
from domains.shared.tenancy import KeyGrant, Principal, TenantContext

INVALID_KEY = "invalid API key"


@dataclass(frozen=True)
class IssuedApiKey:
    """A new key and its full token: the only time the secret exists outside the client."""

    key: ApiKey
    token: str


class ApiKeyService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self,
        *,
        ctx: TenantContext,
        name: str,
        permissions: list[str],
        expires_at: datetime | None = None,
    ) -> IssuedApiKey:
        ctx.require(Permission.APIKEY_MANAGE)
        # A key minting keys would outlive its own revocation or expiry.
        ctx.principal.require_user("create API keys")
        now = self._clock.now()
        key_name, granted = check_name(name), check_permissions(permissions)
        expiry = check_expiry(expires_at, now)
        beyond = granted - ctx.permissions
        if beyond:
            raise Forbidden(f"you cannot grant permissions you do not have: {sorted(beyond)}")
        with self._uow() as uow:
            usable = uow.api_keys.usable_created_by(ctx.org_id, ctx.principal.user_id, now=now)
        if len(usable) >= MAX_USABLE_KEYS_PER_MEMBER:
            raise Conflict(
                f"you have {len(usable)} usable API keys in this organisation, the most a member"
                " may hold: revoke one first"
            )
        secret = new_secret()
        key = ApiKey(
            new_id(),
            ctx.org_id,
            key_name,
            granted,
            digest(secret),
            ctx.principal.user_id,
            now,
            expires_at=expiry,
        )
        with self._uow() as uow:
            uow.api_keys.add(key)
            uow.audit(self._entry(ctx, "apikey.create", key, now, permissions=sorted(granted)))
            uow.commit()
        return IssuedApiKey(replace(key, version=1), api_key_token(ctx.org_id, key.id, secret))

    def list(self, *, ctx: TenantContext, page: PageRequest) -> Page[ApiKey]:
        ctx.require(Permission.APIKEY_MANAGE)
        with self._uow() as uow:
            return uow.api_keys.list_for_org(ctx.org_id, page)

    def revoke(self, *, ctx: TenantContext, key_id: str) -> None:
        """Revoking a revoked key changes nothing and is not audited again."""
        ctx.require(Permission.APIKEY_MANAGE)
        now = self._clock.now()
        with self._uow() as uow:
            key = found(
                uow.api_keys.get(ctx.org_id, key_id) if is_valid_id(key_id) else None, "API key"
            )
            if key.revoked_at is not None:
                return
            uow.api_keys.revoke(key, now)
            uow.audit(self._entry(ctx, "apikey.revoke", key, now))
            uow.commit()

    def authenticate(self, token: str) -> Principal:
        """The key's principal (its creator, with the key's grant), or Unauthenticated."""
        parsed = parse_api_key_token(token)
        if parsed is None:
            raise Unauthenticated(INVALID_KEY)
        org_id, key_id, secret = parsed
        with self._uow() as uow:
            key = uow.api_keys.get(org_id, key_id)
        if key is None or not matches(secret, key.secret_hash):
            raise Unauthenticated(INVALID_KEY)
        if not key.usable(self._clock.now()):
            raise Unauthenticated("API key revoked or expired")
        grant = KeyGrant(key.org_id, key.permissions)
        return Principal(key.created_by, api_key_id=key.id, key_grant=grant)

    @staticmethod
    def _entry(
        ctx: TenantContext, action: str, key: ApiKey, at: datetime, **details: object
    ) -> AuditEntry:
        return tenant_audit(
            ctx, action=action, resource=("apikey", key.id), at=at, name=key.name, **details
        )
