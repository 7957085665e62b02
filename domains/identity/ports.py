"""What the identity context needs from the outside world (implemented in adapters/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domains.identity.model import Membership, Organization, Session, User
from domains.shared.pagination import Page, PageRequest
from domains.shared.uow import UnitOfWork


class UserRepository(Protocol):
    def get(self, user_id: str) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def add(self, user: User) -> None:
        """Stage a new user and its e-mail claim (Conflict if the e-mail is taken)."""

    def save(self, user: User) -> None:
        """Stage a changed user (PreconditionFailed if `user.version` is stale)."""


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


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    organizations: OrganizationRepository
    memberships: MembershipRepository
    sessions: SessionRepository


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


class TokenService(Protocol):
    def issue(self, *, user_id: str, session_id: str) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""

    def verify(self, token: str) -> AccessClaims:
        """Raises Unauthenticated for an expired, tampered or foreign token."""


class LoginThrottle(Protocol):
    def check(self, scopes: list[str]) -> None:
        """Raise Throttled if any scope (an account, an address) failed too often lately."""

    def failed(self, scopes: list[str]) -> None: ...
