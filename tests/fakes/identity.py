"""In-memory fakes of the identity ports: the unit tier drives the services with these."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from domains.identity.model import ApiKey, Invitation, Membership, Organization, Session, User
from domains.identity.ports import AccessClaims
from domains.shared.audit import AuditEntry
from domains.shared.errors import Conflict, PreconditionFailed, Throttled, Unauthenticated
from domains.shared.pagination import Page, PageRequest
from tests.fakes.content import InMemoryContent
from tests.fakes.settings import InMemorySettings


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


class _Repo:
    def __init__(self, uow: InMemoryIdentityUnitOfWork) -> None:
        self._uow = uow

    @property
    def _s(self) -> Store:
        return self._uow.store


def _bump(entity: Any, stored: Any) -> Any:
    if (stored.version if stored else 0) != entity.version:
        raise PreconditionFailed("stale version")
    return replace(entity, version=entity.version + 1)


class InMemoryUsers(_Repo):
    def get(self, user_id: str) -> User | None:
        return self._s.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self._s.users.values() if u.email == email), None)

    def add(self, user: User) -> None:
        def apply(s: Store) -> None:
            if self.get_by_email(user.email):
                raise Conflict("an account with this e-mail exists")
            s.users[user.id] = replace(user, version=1)

        self._uow.staged.append(apply)

    def save(self, user: User) -> None:
        self._uow.staged.append(
            lambda s: s.users.__setitem__(user.id, _bump(user, s.users.get(user.id)))
        )


class InMemoryOrganizations(_Repo):
    def get(self, org_id: str) -> Organization | None:
        return self._s.orgs.get(org_id)

    def get_many(self, org_ids: list[str]) -> list[Organization]:
        return [self._s.orgs[i] for i in org_ids if i in self._s.orgs]

    def add(self, org: Organization) -> None:
        self._uow.staged.append(lambda s: s.orgs.__setitem__(org.id, replace(org, version=1)))

    def save(self, org: Organization) -> None:
        def apply(s: Store) -> None:
            stored = s.orgs.get(org.id)
            s.orgs[org.id] = replace(
                _bump(org, stored), member_count=stored.member_count if stored else 0
            )

        self._uow.staged.append(apply)


class InMemoryMemberships(_Repo):
    def get(self, org_id: str, user_id: str) -> Membership | None:
        return self._s.members.get((org_id, user_id))

    def list_members(self, org_id: str, page: PageRequest) -> Page[Membership]:
        return Page([m for (o, _), m in sorted(self._s.members.items()) if o == org_id])

    def list_for_user(self, user_id: str, page: PageRequest) -> Page[Membership]:
        return Page([m for (_, u), m in sorted(self._s.members.items()) if u == user_id])

    def owners(self, org_id: str) -> list[Membership]:
        return [m for m in self.list_members(org_id, PageRequest()).items if m.role == "owner"]

    def add(self, membership: Membership, *, count: bool = True) -> None:
        def apply(s: Store) -> None:
            key = (membership.org_id, membership.user_id)
            if key in s.members:
                raise Conflict("already a member")
            s.members[key] = replace(membership, version=1)
            if count:
                org = s.orgs[membership.org_id]
                s.orgs[org.id] = replace(org, member_count=org.member_count + 1)

        self._uow.staged.append(apply)

    def save(self, membership: Membership) -> None:
        key = (membership.org_id, membership.user_id)
        self._uow.staged.append(
            lambda s: s.members.__setitem__(key, _bump(membership, s.members.get(key)))
        )

    def remove(self, membership: Membership) -> None:
        def apply(s: Store) -> None:
            del s.members[(membership.org_id, membership.user_id)]
            org = s.orgs[membership.org_id]
            s.orgs[org.id] = replace(org, member_count=org.member_count - 1)

        self._uow.staged.append(apply)


class InMemorySessions(_Repo):
    def get(self, session_id: str) -> Session | None:
        return self._s.sessions.get(session_id)

    def list_for_user(self, user_id: str) -> list[Session]:
        return [x for x in self._s.sessions.values() if x.user_id == user_id]

    def list_family(self, family_id: str) -> list[Session]:
        return [x for x in self._s.sessions.values() if x.family_id == family_id]

    def add(self, session: Session) -> None:
        self._uow.staged.append(lambda s: s.sessions.__setitem__(session.id, session))

    def replace(self, old: Session, new: Session) -> None:
        def apply(s: Store) -> None:
            if s.sessions[old.id].replaced_by is not None:
                raise Conflict("refresh token already used")
            s.sessions[old.id] = replace(old, replaced_by=new.id)
            s.sessions[new.id] = new

        self._uow.staged.append(apply)

    def revoke(self, session: Session, at: datetime) -> None:
        self._uow.staged.append(
            lambda s: s.sessions.__setitem__(session.id, replace(session, revoked_at=at))
        )


class InMemoryInvitations(_Repo):
    """Keyed by (org, id) like the table; lists keep only pending, unexpired invitations."""

    def get(self, org_id: str, invitation_id: str) -> Invitation | None:
        return self._s.invitations.get((org_id, invitation_id))

    def get_by_token_hash(self, token_hash: str) -> Invitation | None:
        return next((i for i in self._s.invitations.values() if i.token_hash == token_hash), None)

    def _pending(self, now: datetime) -> list[Invitation]:
        found = self._s.invitations.values()
        return [i for i in found if i.status == "pending" and not i.expired(now)]

    def list_pending(self, org_id: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        ours = (i for i in self._pending(now) if i.org_id == org_id)
        return Page(sorted(ours, key=lambda i: i.id))

    def list_for_email(self, email: str, *, now: datetime, page: PageRequest) -> Page[Invitation]:
        mine = (i for i in self._pending(now) if i.email == email)
        return Page(sorted(mine, key=lambda i: (i.expires_at, i.id)))

    def pending_for(self, org_id: str, email: str, *, now: datetime) -> Invitation | None:
        found = self.list_for_email(email, now=now, page=PageRequest()).items
        return next((i for i in found if i.org_id == org_id), None)

    def add(self, invitation: Invitation) -> None:
        def apply(s: Store) -> None:
            key = (invitation.org_id, invitation.id)
            if key in s.invitations:
                raise Conflict("invitation exists")
            s.invitations[key] = replace(invitation, version=1)

        self._uow.staged.append(apply)

    def accept(self, invitation: Invitation, *, user_id: str, at: datetime) -> None:
        self._close(invitation, status="accepted", accepted_by=user_id, accepted_at=at)

    def revoke(self, invitation: Invitation, *, at: datetime) -> None:
        self._close(invitation, status="revoked", revoked_at=at)

    def _close(self, invitation: Invitation, **changes: Any) -> None:
        def apply(s: Store) -> None:
            key = (invitation.org_id, invitation.id)
            stored = s.invitations.get(key)
            if stored is None or stored.status != "pending":
                raise Conflict("the invitation was accepted or revoked meanwhile")
            s.invitations[key] = replace(stored, version=stored.version + 1, **changes)

        self._uow.staged.append(apply)


class InMemoryApiKeys(_Repo):
    """Keyed by (org, id) like the table; newest first, as the port says."""

    def get(self, org_id: str, key_id: str) -> ApiKey | None:
        return self._s.api_keys.get((org_id, key_id))

    def list_for_org(self, org_id: str, page: PageRequest) -> Page[ApiKey]:
        ours = [k for (o, _), k in self._s.api_keys.items() if o == org_id]
        return Page(sorted(ours, key=lambda k: k.id, reverse=True))

    def add(self, key: ApiKey) -> None:
        def apply(s: Store) -> None:
            if (key.org_id, key.id) in s.api_keys:
                raise Conflict("API key exists")
            s.api_keys[(key.org_id, key.id)] = replace(key, version=1)

        self._uow.staged.append(apply)

    def revoke(self, key: ApiKey, at: datetime) -> None:
        ident = (key.org_id, key.id)
        self._uow.staged.append(
            lambda s: s.api_keys.__setitem__(
                ident, _bump(replace(key, revoked_at=at), s.api_keys.get(ident))
            )
        )


class InMemoryIdentityUnitOfWork:
    """All staged writes apply on commit, to a copy first: all or nothing, like a transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.staged: list[Any] = []
        self.users = InMemoryUsers(self)
        self.organizations = InMemoryOrganizations(self)
        self.memberships = InMemoryMemberships(self)
        self.sessions = InMemorySessions(self)
        self.settings = InMemorySettings(self)
        self.content = InMemoryContent(self)
        self.api_keys = InMemoryApiKeys(self)
        self.invitations = InMemoryInvitations(self)

    def __enter__(self) -> Self:
        self.staged = []
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.staged = []

    def audit(self, entry: AuditEntry) -> None:
        self.staged.append(lambda s: s.audit.append(entry))

    def commit(self) -> None:
        draft = copy.deepcopy(self.store)
        for apply in self.staged:
            apply(draft)
        self.store.__dict__.update(draft.__dict__)
        self.staged = []


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
