"""In-memory fakes of the identity ports: the unit tier drives the services with these."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domains.identity.model import ApiKey, Invitation, Membership, Organization, Session, User
from domains.identity.ports import AccessClaims
from domains.shared.audit import AuditEntry
from domains.shared.clock import Clock
from domains.shared.errors import (
    Conflict,
    Throttled,
    TransactionCancelled,
    Unauthenticated,
)
from domains.shared.events import DomainEvent
from domains.shared.pagination import Page, PageRequest
from tests.fakes.api_keys import InMemoryApiKeys
from tests.fakes.content import InMemoryContent
from tests.fakes.invitations import InMemoryInvitations
from tests.fakes.paging import page_of
from tests.fakes.sessions import InMemorySessions
from tests.fakes.settings import InMemorySettings
from tests.fakes.staged import FakeRepository, FakeUnitOfWork, bumped


@dataclass
class Store:
    """The committed state every unit of work reads and writes."""

    users: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    members: dict[tuple[str, str], Membership] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    content: dict[tuple[str, str], Any] = field(default_factory=dict)
    invitations: dict[tuple[str, str], Invitation] = field(default_factory=dict)
    api_keys: dict[tuple[str, str], ApiKey] = field(default_factory=dict)
    settings: dict[tuple[str, str], Any] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    # With a clock, API keys and upload records whose `expires_at` has passed read as absent,
    # as the DynamoDB adapters leave out TTL-expired items (by the wall clock). None: kept.
    clock: Clock | None = None


class InMemoryUsers(FakeRepository):
    """E-mail addresses are unique case-insensitively, like the store's e-mail claims."""

    def get(self, user_id: str) -> User | None:
        found: User | None = self._s.users.get(user_id)
        return found

    def get_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        return next((u for u in self._s.users.values() if u.email.lower() == wanted), None)

    def add(self, user: User) -> None:
        def apply(s: Store) -> None:
            if any(u.email.lower() == user.email.lower() for u in s.users.values()):
                raise Conflict("an account with this e-mail exists")
            if user.id in s.users:
                raise Conflict("user exists")
            s.users[user.id] = replace(user, version=1)

        self._stage(("email", user.email.lower()), lambda s: None)
        self._stage(("user", user.id), apply)

    def save(self, user: User) -> None:
        self._stage(
            ("user", user.id),
            lambda s: s.users.__setitem__(user.id, bumped(user, s.users.get(user.id))),
        )

    def remove(self, user: User) -> None:
        """The claim goes with the user: addresses are unique among the users kept."""

        def apply(s: Store) -> None:
            bumped(user, s.users.get(user.id))
            del s.users[user.id]

        self._stage(("email", user.email.lower()), lambda s: None)
        self._stage(("user", user.id), apply)


class InMemoryOrganizations(FakeRepository):
    def get(self, org_id: str) -> Organization | None:
        found: Organization | None = self._s.orgs.get(org_id)
        return found

    def get_many(self, org_ids: list[str]) -> list[Organization]:
        return [self._s.orgs[i] for i in dict.fromkeys(org_ids) if i in self._s.orgs]

    def add(self, org: Organization) -> None:
        def apply(s: Store) -> None:
            if org.id in s.orgs:
                raise Conflict("organisation exists")
            s.orgs[org.id] = replace(org, version=1)

        self._stage(("organization", org.id), apply)

    def save(self, org: Organization) -> None:
        """The member count is the store's (kept by the memberships), not the caller's."""

        def apply(s: Store) -> None:
            stored = s.orgs.get(org.id)
            saved = bumped(org, stored)
            s.orgs[org.id] = replace(saved, member_count=stored.member_count)

        self._stage(("organization", org.id), apply)


class InMemoryMemberships(FakeRepository):
    """Keyed by (org, user); members list by user id, a user's organisations by org id."""

    def get(self, org_id: str, user_id: str) -> Membership | None:
        found: Membership | None = self._s.members.get((org_id, user_id))
        return found

    def _sorted(self) -> list[tuple[tuple[str, str], Membership]]:
        return sorted(self._s.members.items())

    def list_members(self, org_id: str, page: PageRequest) -> Page[Membership]:
        members = [m for (o, _), m in self._sorted() if o == org_id]
        return page_of(members, page, scope=("members", org_id), key=lambda m: (m.user_id,))

    def list_for_user(self, user_id: str, page: PageRequest) -> Page[Membership]:
        mine = [m for (_, u), m in self._sorted() if u == user_id]
        return page_of(mine, page, scope=("memberships", user_id), key=lambda m: (m.org_id,))

    def owners(self, org_id: str) -> list[Membership]:
        return [m for (o, _), m in self._sorted() if o == org_id and m.role == "owner"]

    def add(self, membership: Membership, *, count: bool = True) -> None:
        def apply(s: Store) -> None:
            key = (membership.org_id, membership.user_id)
            if key in s.members:
                raise Conflict("already a member")
            s.members[key] = replace(membership, version=1)

        self._stage(("member", membership.org_id, membership.user_id), apply)
        if count:
            self._count(membership.org_id, +1)

    def save(self, membership: Membership) -> None:
        key = (membership.org_id, membership.user_id)
        self._stage(
            ("member", *key),
            lambda s: s.members.__setitem__(key, bumped(membership, s.members.get(key))),
        )

    def remove(self, membership: Membership) -> None:
        def apply(s: Store) -> None:
            key = (membership.org_id, membership.user_id)
            bumped(membership, s.members.get(key))
            del s.members[key]

        self._stage(("member", membership.org_id, membership.user_id), apply)
        self._count(membership.org_id, -1)

    def _count(self, org_id: str, delta: int) -> None:
        """ADD to the organisation's member count; it must exist (the store's condition)."""

        def apply(s: Store) -> None:
            org = s.orgs.get(org_id)
            if org is None:
                raise TransactionCancelled("no organisation", reasons=["ConditionalCheckFailed"])
            s.orgs[org_id] = replace(org, member_count=org.member_count + delta)

        self._stage(("organization", org_id), apply)


class InMemoryIdentityUnitOfWork(FakeUnitOfWork):
    """All staged writes apply on commit, to a copy first: all or nothing, like a transaction."""

    store: Store

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.users = InMemoryUsers(self)
        self.organizations = InMemoryOrganizations(self)
        self.memberships = InMemoryMemberships(self)
        self.sessions = InMemorySessions(self)
        self.settings = InMemorySettings(self)
        self.content = InMemoryContent(self)
        self.api_keys = InMemoryApiKeys(self)
        self.invitations = InMemoryInvitations(self)

    def publish(self, event: DomainEvent) -> None:
        self.staged.append(lambda s: s.events.append(event))


class PlainHasher:
    def hash(self, password: str) -> str:
        return f"plain${password}"

    def verify(self, password: str, encoded: str) -> bool:
        return encoded == f"plain${password}"

    def dummy_verify(self) -> None:
        return None


class FakeTokens:
    """`<user>|<session>`, with `|staff` appended for a staff user."""

    def issue(self, *, user_id: str, session_id: str, is_staff: bool = False) -> tuple[str, int]:
        return f"{user_id}|{session_id}" + ("|staff" if is_staff else ""), 900

    def verify(self, token: str) -> AccessClaims:
        user_id, _, rest = token.partition("|")
        session_id, _, staff = rest.partition("|")
        if not session_id:
            raise Unauthenticated("bad token")
        return AccessClaims(user_id, session_id, datetime.max, "fake", is_staff=staff == "staff")


@dataclass
class CountingThrottle:
    limit: int = 5
    failures: dict[str, int] = field(default_factory=dict)

    def check(self, scopes: list[str]) -> None:
        if any(self.failures.get(s, 0) >= self.limit for s in scopes):
            raise Throttled("too many", retry_after=60)

    def failed(self, scopes: list[str]) -> None:
        for scope in scopes:
            self.failures[scope] = self.failures.get(scope, 0) + 1
