"""What the identity context needs from the outside world (implemented in adapters/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domains.identity.model import (
    ApiKey,
    Content,
    Invitation,
    Membership,
    Organization,
    Session,
    Setting,
    SettingOverride,
    User,
)
from domains.shared.audit import AuditEntry
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class UserRepository(Protocol):
    def get(self, user_id: str) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def add(self, user: User) -> None:
        """Stage a new user and its e-mail claim (Conflict if the e-mail is taken)."""

    def save(self, user: User) -> None:
        """Stage a changed user (PreconditionFailed if `user.version` is stale)."""

    def remove(self, user: User) -> None:
        """Stage the deletion of the user and of their e-mail claim, so the address can
        register again (PreconditionFailed if `user.version` is stale)."""


class OrganizationRepository(Protocol):
    def get(self, org_id: str) -> Organization | None: ...

    def get_many(self, org_ids: list[str]) -> list[Organization]: ...

    def add(self, org: Organization) -> None: ...

    def save(self, org: Organization) -> None: ...


class MembershipRepository(Protocol):
    def get(self, org_id: str, user_id: str) -> Membership | None: ...

    def list_members(self, org_id: str, page: PageRequest) -> Page[Membership]: ...

    def list_for_user(self, user_id: str, page: PageRequest) -> Page[Membership]: ...

    def owners(self, org_id: str) -> list[Membership]: ...

    def add(self, membership: Membership, *, count: bool = True) -> None:
        """Stage a new membership and ADD 1 to the organisation's member count (`count=False`
        when the organisation is created in the same transaction with its count set)."""

    def save(self, membership: Membership) -> None: ...

    def remove(self, membership: Membership) -> None:
        """Stage the removal and ADD -1 to the organisation's member count."""


class SessionRepository(Protocol):
    def get(self, session_id: str) -> Session | None: ...

    def list_for_user(self, user_id: str) -> list[Session]: ...

    def list_family(self, family_id: str) -> list[Session]: ...

    def add(self, session: Session) -> None: ...

    def replace(self, old: Session, new: Session) -> None:
        """Stage the rotation: `old` gets `replaced_by` (only if it has none yet) and `new`
        is added; a concurrent second use of `old` loses (Conflict)."""

    def revoke(self, session: Session, at: datetime) -> None: ...


class InvitationRepository(Protocol):
    """Invitations in their organisation's partition. Expired ones disappear (TTL) some time
    after `expires_at`; lists take `now` and leave them out, single reads leave that check to
    the caller (`Invitation.expired`)."""

    def get(self, org_id: str, invitation_id: str) -> Invitation | None: ...

    def get_by_token_hash(self, token_hash: str) -> Invitation | None:
        """Whatever its status, so a used or revoked token can be told apart from none."""

    def list_pending(self, org_id: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        """The organisation's pending invitations, oldest first."""

    def list_for_email(self, email: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        """Pending invitations addressed to `email` in any organisation, soonest expiry first."""

    def pending_for(self, org_id: str, email: str, *, now: datetime) -> Invitation | None:
        """The organisation's pending invitation of `email`, if it has one."""

    def add(self, invitation: Invitation) -> None: ...

    def accept(self, invitation: Invitation, *, user_id: str, at: datetime) -> None:
        """Stage the acceptance; Conflict if it is no longer pending at commit."""

    def revoke(self, invitation: Invitation, *, at: datetime) -> None:
        """Stage the revocation; Conflict if it is no longer pending at commit."""


class ContentRepository(Protocol):
    """Upload records in their organisation's partition. A pending record expires (TTL)
    some time after `expires_at`; reads leave expired ones out."""

    def get(self, org_id: str, content_id: str) -> Content | None: ...

    def list_org(self, org_id: str, page: PageRequest) -> Page[Content]:
        """The organisation's content, newest first."""

    def list_owner(self, org_id: str, owner_id: str, page: PageRequest) -> Page[Content]:
        """What one user uploaded in the organisation, newest first."""

    def add(self, content: Content) -> None: ...

    def save(self, content: Content) -> None:
        """Stage a changed record (PreconditionFailed if `content.version` is stale)."""

    def remove(self, content: Content) -> None:
        """Stage the deletion (PreconditionFailed if `content.version` is stale)."""


class ApiKeyRepository(Protocol):
    """An organisation's API keys; an expired key reads as absent (the store may drop it)."""

    def get(self, org_id: str, key_id: str) -> ApiKey | None:
        """One strongly consistent read: a revocation takes effect at once."""

    def list_for_org(self, org_id: str, page: PageRequest) -> Page[ApiKey]:
        """Newest first."""

    def usable_created_by(self, org_id: str, user_id: str, *, now: datetime) -> list[ApiKey]:
        """Every key `user_id` created in the organisation that still works at `now` (at most
        MAX_USABLE_KEYS_PER_MEMBER: creating more is refused)."""

    def add(self, key: ApiKey) -> None: ...

    def revoke(self, key: ApiKey, at: datetime) -> None:
        """Stage `revoked_at` (PreconditionFailed if `key.version` is stale)."""


class SettingRepository(Protocol):
    """Global settings (`SETTING#<key>` / `GLOBAL`) and organisations' overrides of them
    (`SETTING#<key>` / `ORG#<org>`): a setting and its overrides share a partition."""

    def get(self, key: str) -> Setting | None: ...

    def list_global(self, page: PageRequest) -> Page[Setting]:
        """Every global setting, by key."""

    def get_with_override(
        self, key: str, org_id: str
    ) -> tuple[Setting | None, SettingOverride | None]:
        """The global setting and the organisation's override of it: one BatchGetItem."""

    def overrides(self, org_id: str, keys: list[str]) -> list[SettingOverride]:
        """The organisation's overrides of `keys` (at most 100): one BatchGetItem."""

    def add(self, setting: Setting) -> None:
        """Stage a new setting (Conflict if the key exists)."""

    def save(self, setting: Setting) -> None:
        """Stage a changed setting (PreconditionFailed if `setting.version` is stale)."""

    def remove(self, setting: Setting) -> None:
        """Stage the deletion (PreconditionFailed if `setting.version` is stale); the
        overrides stay behind, ignored from then on (their generation is gone)."""

    def put_override(self, override: SettingOverride) -> None:
        """Stage the override, replacing version `override.version` (0: none may exist, else
        PreconditionFailed); Conflict if the setting no longer has `override.generation`."""

    def remove_override(self, override: SettingOverride) -> None:
        """Stage the deletion (PreconditionFailed if `override.version` is stale)."""


class IdentityUnitOfWork(UnitOfWork, Protocol):
    settings: SettingRepository
    users: UserRepository
    organizations: OrganizationRepository
    memberships: MembershipRepository
    sessions: SessionRepository
    api_keys: ApiKeyRepository
    content: ContentRepository
    invitations: InvitationRepository

    def publish(self, event: DomainEvent) -> None:
        """Stage a domain event in the outbox, in the change's own transaction."""


UnitOfWorkFactory = Callable[[], IdentityUnitOfWork]


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, encoded: str) -> bool: ...

    def dummy_verify(self) -> None:
        """Spend the time of a real verification (failures look alike, known e-mail or not)."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    session_id: str | None
    expires_at: datetime
    issuer: str
    is_staff: bool = False


class TokenService(Protocol):
    def issue(self, *, user_id: str, session_id: str, is_staff: bool = False) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds; `is_staff` rides along, so a
        staff check needs no store read (a change shows in the next token, at most one
        access-token lifetime later: refreshing reads the profile again)."""

    def verify(self, token: str) -> AccessClaims:
        """Raises Unauthenticated for an expired, tampered or foreign token."""


class LoginThrottle(Protocol):
    def check(self, scopes: list[str]) -> None:
        """Raise Throttled if any scope (an account, an address) failed too often lately."""

    def failed(self, scopes: list[str]) -> None: ...


@dataclass(frozen=True)
class PresignedRequest:
    """A request the client sends straight to the object store, signed for a short time."""

    url: str
    method: str
    headers: dict[str, str]
    expires_in: int


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str | None = None


class ContentStorage(Protocol):
    """The object store holding uploads; the API never proxies their bytes."""

    def presign_put(self, key: str, *, content_type: str, expires_in: int) -> PresignedRequest:
        """A PUT the client sends the bytes with (the headers given must be sent as they are).
        The object arrives marked unconfirmed: the store deletes it after a while unless
        `keep` is called (an abandoned upload leaves nothing behind)."""

    def keep(self, key: str) -> None:
        """The upload is confirmed: take the unconfirmed mark off, so it is never expired."""

    def presign_get(self, key: str, *, filename: str, expires_in: int) -> PresignedRequest:
        """A GET that downloads the object as an attachment named `filename`."""

    def head(self, key: str) -> StoredObject | None:
        """The object's size and type, or None when nothing is stored under `key`."""

    def delete(self, key: str) -> None:
        """Delete the object (nothing happens when it is absent)."""


@dataclass(frozen=True)
class AuditFilter:
    """Which entries of an organisation's audit log to read; times are inclusive, to the
    millisecond."""

    actor_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLogReader(Protocol):
    """The selector over an organisation's audit log, newest first. Read-only: entries are
    written by the unit of work, in the transaction of the change they record."""

    def list(self, org_id: str | None, filter: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        """`org_id` None: the platform-level entries (staff changes, sign-ins)."""


class WebSessions(Protocol):
    """The browser (admin) sessions of users, kept beside their API sessions."""

    def end_all(self, user_id: str) -> int:
        """Sign the user out of every browser at once; how many sessions ended."""
